// Bundle-time stand-in for `@aws-sdk/endpoint-cache` (3.972.x), used ONLY when esbuild bundles
// a Lambda (alias, see BUNDLE_ALIASES in infra/constructs/art32-function.ts). The DynamoDB
// client builds one EndpointCache for endpoint discovery (off unless enabled); the SDK's
// cache sits on mnemonist's LRU (~7 KB minified with its dependencies). Same class and
// behaviour — entries expire after CachePeriodInMinutes, least recently used evicted
// beyond `capacity` — on a Map, which keeps insertion order.

class LruMap {
  constructor(capacity) {
    this.capacity = capacity;
    this.map = new Map();
  }
  has(key) {
    return this.map.has(key);
  }
  /** Read without refreshing recency (mnemonist's `peek`). */
  peek(key) {
    return this.map.get(key);
  }
  get(key) {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key);
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }
  set(key, value) {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value);
  }
  clear() {
    this.map.clear();
  }
}

export class EndpointCache {
  cache;
  constructor(capacity) {
    this.cache = new LruMap(capacity);
  }
  getEndpoint(key) {
    const endpointsWithExpiry = this.get(key);
    if (!endpointsWithExpiry || endpointsWithExpiry.length === 0) return undefined;
    const endpoints = endpointsWithExpiry.map((endpoint) => endpoint.Address);
    return endpoints[Math.floor(Math.random() * endpoints.length)];
  }
  get(key) {
    if (!this.has(key)) return undefined;
    const value = this.cache.get(key);
    if (!value) return undefined;
    const now = Date.now();
    const endpointsWithExpiry = value.filter((endpoint) => now < endpoint.Expires);
    if (endpointsWithExpiry.length === 0) {
      this.delete(key);
      return undefined;
    }
    return endpointsWithExpiry;
  }
  set(key, endpoints) {
    const now = Date.now();
    this.cache.set(
      key,
      endpoints.map(({ Address, CachePeriodInMinutes }) => ({ Address, Expires: now + CachePeriodInMinutes * 60 * 1000 })),
    );
  }
  delete(key) {
    this.cache.set(key, []);
  }
  has(key) {
    if (!this.cache.has(key)) return false;
    const endpoints = this.cache.peek(key);
    return Boolean(endpoints) && endpoints.length > 0;
  }
  clear() {
    this.cache.clear();
  }
}
