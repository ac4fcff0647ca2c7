/**
 * A local HTTP server that answers the SSM JSON protocol (`X-Amz-Target: AmazonSSM.<Operation>`,
 * `application/x-amz-json-1.1`) from recorded response bodies, and records every request it got.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  operation: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export type Responder = (
  operation: string,
  body: Record<string, unknown>,
) => { status?: number; body: unknown };

export interface SsmEndpoint {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startSsmEndpoint(respond: Responder): Promise<SsmEndpoint> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      text += c;
    });
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.startsWith("AmazonSSM.")
        ? target.slice("AmazonSSM.".length)
        : `unknown:${target}`;
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      received.push({
        operation,
        contentType: req.headers["content-type"],
        authorization: req.headers.authorization,
        body,
      });
      const reply = respond(operation, body);
      res.writeHead(reply.status ?? 200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
