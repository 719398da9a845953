/** A per-key publish/subscribe channel (used to push live updates to chat pages). */
export interface Hub<T> {
  /** Registers a listener for one key; returns the function that removes it. */
  subscribe(key: string, listener: (event: T) => void): () => void;
  /** Delivers an event to every listener of a key. */
  publish(key: string, event: T): void;
  /** Delivers an event to every listener of every key. */
  broadcast(event: T): void;
  /** Number of listeners, for diagnostics. */
  size(): number;
}

/** Creates an empty hub; a throwing listener never affects the others. */
export function createHub<T>(): Hub<T> {
  const listeners = new Map<string, Set<(event: T) => void>>();
  const deliver = (set: Set<(event: T) => void> | undefined, event: T) => {
    for (const fn of set ?? []) {
      try {
        fn(event);
      } catch {
        // a broken listener must not stop delivery to the others
      }
    }
  };
  return {
    subscribe(key, listener) {
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },
    publish(key, event) {
      deliver(listeners.get(key), event);
    },
    broadcast(event) {
      for (const set of listeners.values()) deliver(set, event);
    },
    size: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}
