import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the stand-ins of outside systems (the CRMs, the summaries endpoint) share: an HTTP server on loopback
 * that reads each request's body whole and hands it to the vendor-shaped `handle`.
 */
export abstract class LoopbackStandIn {
  private server: Server | undefined;
  private port = 0;

  /** The base URL to give the vendor's SDK. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.receive(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await this.handle(req, Buffer.concat(chunks).toString('utf8'), res);
  }

  protected abstract handle(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> | void;
}
