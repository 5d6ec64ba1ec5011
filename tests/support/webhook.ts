import http from "node:http";

/** A notification webhook on a free local port: it keeps each JSON body posted to it in `received` and answers 204. */
export async function startWebhook(received: Record<string, unknown>[]): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook` };
}
