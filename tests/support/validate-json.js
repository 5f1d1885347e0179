#!/usr/bin/env node
// Validates JSON that promptcost wrote against its JSON Schema in schema/,
// with ajv (draft 2020-12) and ajv-formats from tests/node_modules (the
// tests' own npm packages, tests/package.json; never part of the build).
//
//   validate-json.js [--schema schema/NAME.json] FILE...
//
// Without --schema, each file's "schema" field picks the schema:
// "promptcost/NAME/vN" is schema/NAME-vN.json. Exit 0 when every file is
// valid, 1 when one is not (each error on stderr as FILE: /pointer: message),
// 2 when a file or schema cannot be read.
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
let Ajv2020, addFormats;
try {
	Ajv2020 = require(path.join(root, 'tests/node_modules/ajv/dist/2020')).default;
	addFormats = require(path.join(root, 'tests/node_modules/ajv-formats')).default;
} catch (e) {
	console.error(`validate-json: ajv is not installed in tests/node_modules (make test runs npm ci there): ${e.message}`);
	process.exit(2);
}

const args = process.argv.slice(2);
let schemaFile = null;
if (args[0] === '--schema') {
	schemaFile = args[1];
	args.splice(0, 2);
}
if (!args.length) {
	console.error('usage: validate-json.js [--schema FILE] FILE...');
	process.exit(2);
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
const compiled = new Map();
function validatorFor(file) {
	const abs = path.resolve(file);
	if (!compiled.has(abs)) compiled.set(abs, ajv.compile(JSON.parse(fs.readFileSync(abs, 'utf8'))));
	return compiled.get(abs);
}

let status = 0;
for (const file of args) {
	let doc, validate;
	try {
		doc = JSON.parse(fs.readFileSync(file, 'utf8'));
		let s = schemaFile;
		if (!s) {
			const m = typeof doc.schema === 'string' && doc.schema.match(/^promptcost\/([a-z-]+)\/(v[0-9]+)$/);
			if (!m) throw new Error(`no "schema" field naming promptcost/NAME/vN, and no --schema`);
			s = path.join(root, 'schema', `${m[1]}-${m[2]}.json`);
		}
		validate = validatorFor(s);
	} catch (e) {
		console.error(`${file}: ${e.message}`);
		status = 2;
		continue;
	}
	if (!validate(doc)) {
		for (const err of validate.errors) {
			console.error(`${file}: ${err.instancePath || '/'}: ${err.message}${err.params ? ' ' + JSON.stringify(err.params) : ''}`);
		}
		if (status === 0) status = 1;
	}
}
process.exit(status);
