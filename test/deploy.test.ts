import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What ships for running Cascade behind a load balancer keeps the metrics inside. */
describe('deploy/nginx.conf', () => {
  test('When the internet asks the load balancer for /metrics, then nginx answers 404 before any replica sees it', () => {
    const conf = readFileSync(join(__dirname, '..', 'deploy', 'nginx.conf'), 'utf8');
    const block = /location = \/metrics \{([^}]*)\}/.exec(conf);
    expect(block?.[1]).toMatch(/return 404;/);
    // It comes before the catch-all that forwards to the replicas (nginx prefers the exact match anyway).
    expect(conf.indexOf('location = /metrics')).toBeLessThan(conf.indexOf('location / {'));
  });
});
