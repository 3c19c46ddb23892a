import { renderPage } from "../web/index.ts";

type Op = { summary?: string; description?: string; tags?: string[]; parameters?: { name: string; in: string; required?: boolean; schema?: unknown; description?: string }[]; requestBody?: { content: { "application/json": { schema: unknown } } }; security?: unknown[] };

/** The API documentation as a plain HTML page rendered here (no CDN, no script). */
export function renderApiDocs(doc: Record<string, unknown>): string {
  const info = doc.info as { title: string; description: string };
  const paths = doc.paths as Record<string, Record<string, Op>>;
  const byTag = new Map<string, { method: string; path: string; op: Op }[]>();
  for (const [path, ops] of Object.entries(paths)) for (const [method, op] of Object.entries(ops)) for (const tag of op.tags?.length ? op.tags : ["other"]) byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
  return renderPage(
    <html lang="en" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{info.title}</title>
        <link rel="stylesheet" href="/assets/vigil.css" />
        <link rel="stylesheet" href="/assets/workspace.css" />
      </head>
      <body>
        <header class="site">
          <div class="container">
            <a class="brand" href="/workspace/">
              Vigil
            </a>
            <span>{info.title}</span>
            <span class="spacer" />
            <a href="/api/openapi.json">openapi.json</a>
          </div>
        </header>
        <main class="container" id="main">
          <h1>{info.title}</h1>
          <p>{info.description}</p>
          <nav>
            <ul class="row">
              {[...byTag.keys()].map((tag) => (
                <li>
                  <a href={`#tag-${tag}`}>{tag}</a>
                </li>
              ))}
            </ul>
          </nav>
          {[...byTag].map(([tag, ops]) => (
            <section id={`tag-${tag}`}>
              <h2>{tag}</h2>
              {ops.map(({ method, path, op }) => (
                <article class="panel" id={`${method}-${path}`}>
                  <h3>
                    <code>
                      {method.toUpperCase()} {path}
                    </code>
                  </h3>
                  <p>{op.summary}</p>
                  {op.security && <p class="muted">No authentication needed.</p>}
                  {op.parameters && op.parameters.length > 0 && (
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">parameter</th>
                          <th scope="col">in</th>
                          <th scope="col">required</th>
                          <th scope="col">schema</th>
                        </tr>
                      </thead>
                      <tbody>
                        {op.parameters.map((p) => (
                          <tr>
                            <td>
                              <code>{p.name}</code>
                            </td>
                            <td>{p.in}</td>
                            <td>{p.required ? "yes" : "no"}</td>
                            <td>
                              <code>{JSON.stringify(p.schema)}</code>
                              {p.description && <div class="muted">{p.description}</div>}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  {op.requestBody && (
                    <details>
                      <summary>Request body (JSON Schema)</summary>
                      <pre class="payload">{JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)}</pre>
                    </details>
                  )}
                </article>
              ))}
            </section>
          ))}
        </main>
      </body>
    </html>,
  );
}
