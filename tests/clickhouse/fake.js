// A server that behaves badly, for tests/e2e/test_clickhouse.sh: node
// tests/clickhouse/fake.js MODE PORTFILE listens on a free loopback port,
// writes it to PORTFILE, and on each request:
//   silent  reads the query and never answers (a server too slow)
//   drop    answers 200 and the start of an answer, then closes the
//           connection midway (a server or network that fails midway)
//   short   answers 200 with whole bucket rows, and ends cleanly without the
//           totals row ClickHouse writes last (a proxy that cut the answer)
//   sums    answers with rows and a totals row they do not add up to
//   garbage answers 200 with a complete body that is not the query's answer
'use strict';
const http = require('http');
const fs = require('fs');
const [mode, portFile] = process.argv.slice(2);
const server = http.createServer((req, res) => {
	req.resume();
	req.on('end', () => {
		if (mode === 'silent')
			return;
		const row = '2026-11-01\t0\tfoi-triage\t\t\t\tgpt-4o\t\t1\t5\t0\t10\t0\t0\t2\t0\t0\n';
		if (mode === 'drop') {
			res.writeHead(200, { 'Content-Type': 'text/tab-separated-values' });
			res.write(row + '2026-11-02\t0\tfoi-tr');
			setTimeout(() => res.socket.destroy(), 50);
			return;
		}
		if (mode === 'short') {
			res.writeHead(200, { 'Content-Type': 'text/tab-separated-values' });
			res.end(row + row.replace('11-01', '11-02'));
			return;
		}
		if (mode === 'sums') {
			res.writeHead(200, { 'Content-Type': 'text/tab-separated-values' });
			res.end(row + '\n0000-00-00\t0\t\t\t\t\t\t\t1\t6\t0\t10\t0\t0\t2\t0\t0\n');
			return;
		}
		res.writeHead(200, { 'Content-Type': 'text/plain' });
		res.end('Ok.\n');
	});
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
