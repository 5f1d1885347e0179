// A server that behaves badly, for tests/e2e/test_clickhouse.sh: node
// tests/clickhouse/fake.js MODE PORTFILE listens on a free loopback port,
// writes it to PORTFILE, and on each request:
//   silent  reads the query and never answers (a server too slow)
//   drop    answers 200 and the start of a JSONCompact answer, then closes the
//           connection midway (a server or network that fails midway)
//   garbage answers 200 with a complete body that is not JSONCompact
'use strict';
const http = require('http');
const fs = require('fs');
const [mode, portFile] = process.argv.slice(2);
const server = http.createServer((req, res) => {
	req.resume();
	req.on('end', () => {
		if (mode === 'silent')
			return;
		if (mode === 'drop') {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.write('{"meta":[{"name":"day","type":"Date"}],"data":[["2026-11-01",0,"t","","","","gpt-4o","","1","5","0","10","0","0","2","0","0"],');
			setTimeout(() => res.socket.destroy(), 50);
			return;
		}
		res.writeHead(200, { 'Content-Type': 'text/plain' });
		res.end('Ok.\n');
	});
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
