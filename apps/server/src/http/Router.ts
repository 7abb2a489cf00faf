// A small router over path segments. Routes are registered once per method with `:params`; lookup
// walks a segment tree, so cost does not grow with the number of routes.

export type Params = Record<string, string>;

interface Node<H> {
  literal: Map<string, Node<H>>;
  param: { name: string; node: Node<H> } | null;
  handlers: Map<string, { handler: H; pattern: string }>;
}

const newNode = <H>(): Node<H> => ({ literal: new Map(), param: null, handlers: new Map() });

export interface RouteMatch<H> {
  handler: H;
  params: Params;
  pattern: string;
}

export type LookupResult<H> = { kind: 'found'; match: RouteMatch<H> } | { kind: 'method_not_allowed'; allowed: string[] } | { kind: 'not_found' };

export class Router<H> {
  private readonly root: Node<H> = newNode();

  add(method: string, pattern: string, handler: H): void {
    let node = this.root;
    for (const segment of pattern.split('/').filter(Boolean)) {
      if (segment.startsWith(':')) {
        const name = segment.slice(1);
        if (node.param && node.param.name !== name) throw new Error(`conflicting params at ${pattern}: ${node.param.name} vs ${name}`);
        node.param ??= { name, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(segment);
        if (!next) node.literal.set(segment, (next = newNode()));
        node = next;
      }
    }
    if (node.handlers.has(method)) throw new Error(`duplicate route ${method} ${pattern}`);
    node.handlers.set(method, { handler, pattern });
  }

  lookup(method: string, path: string): LookupResult<H> {
    const params: Params = {};
    let node: Node<H> | undefined = this.root;
    for (const raw of path.split('/')) {
      if (raw === '') continue;
      let segment: string;
      try {
        segment = decodeURIComponent(raw);
      } catch {
        return { kind: 'not_found' };
      }
      const literal: Node<H> | undefined = node.literal.get(segment);
      if (literal) node = literal;
      else if (node.param) {
        params[node.param.name] = segment;
        node = node.param.node;
      } else return { kind: 'not_found' };
    }
    const found = node.handlers.get(method) ?? (method === 'HEAD' ? node.handlers.get('GET') : undefined);
    if (found) return { kind: 'found', match: { handler: found.handler, params, pattern: found.pattern } };
    if (node.handlers.size > 0) return { kind: 'method_not_allowed', allowed: [...node.handlers.keys()] };
    return { kind: 'not_found' };
  }
}
