import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A node:http server on 127.0.0.1 with a swappable handler, a request log and a close that never hangs. */
export class LoopbackServer {
  readonly requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  private readonly server: http.Server;
  private handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

  constructor(handler: LoopbackServer["handler"]) {
    this.handler = handler;
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        this.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        this.handler(req, res, body);
      });
    });
  }

  async listen(): Promise<this> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setHandler(handler: LoopbackServer["handler"]): void {
    this.handler = handler;
  }

  /** Plain node:http handler, for servers that need the raw request (oidc-provider). */
  rawHandler?: http.RequestListener;

  count(predicate: (r: LoopbackServer["requests"][number]) => boolean = () => true): number {
    return this.requests.filter(predicate).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port that refuses connections: listened on once, then closed. */
export async function closedPort(): Promise<number> {
  const s = await new LoopbackServer(() => undefined).listen();
  const port = s.port;
  await s.close();
  return port;
}

export const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
