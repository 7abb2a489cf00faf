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
    const segments: string[] = [];
    for (const raw of path.split('/')) {
      if (raw === '') continue;
      try {
        segments.push(decodeURIComponent(raw));
      } catch {
        return { kind: 'not_found' };
      }
    }
    // Methods registered at a path that matched but not for this method (for 405's Allow header).
    const allowed: string[] = [];
    // Literal segments win over params, but a literal branch without a handler for this method
    // falls back to the param branch (e.g. PUT .../@me vs DELETE .../:user_id).
    const walk = (node: Node<H>, i: number, params: Params): RouteMatch<H> | null => {
      if (i === segments.length) {
        const found = node.handlers.get(method) ?? (method === 'HEAD' ? node.handlers.get('GET') : undefined);
        if (found) return { handler: found.handler, params, pattern: found.pattern };
        if (node.handlers.size > 0 && allowed.length === 0) allowed.push(...node.handlers.keys());
        return null;
      }
      const segment = segments[i]!;
      const literal = node.literal.get(segment);
      if (literal) {
        const m = walk(literal, i + 1, params);
        if (m) return m;
      }
      if (node.param) {
        // A new object per param branch, so a failed branch leaves nothing behind in the caller's params.
        const m = walk(node.param.node, i + 1, { ...params, [node.param.name]: segment });
        if (m) return m;
      }
      return null;
    };
    const match = walk(this.root, 0, {});
    if (match) return { kind: 'found', match };
    if (allowed.length > 0) return { kind: 'method_not_allowed', allowed };
    return { kind: 'not_found' };
  }
}
