// Loads data for a page and reloads it every `everyMs` (0: once), keeping the last good answer.
import { useEffect, useState } from "preact/hooks";
import { NotAvailable } from "./rest.ts";

export interface Loaded<T> {
  data?: T;
  error?: Error;
  /** the route is missing on this node */
  unavailable: boolean;
}

export function useData<T>(load: () => Promise<T>, deps: unknown[], everyMs = 0): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ unavailable: false });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ unavailable: false });
    const run = async () => {
      try {
        const data = await load();
        if (live) setState({ data, unavailable: false });
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        if (live) setState((s) => ({ data: s.data, error, unavailable: error instanceof NotAvailable }));
      }
      if (live && everyMs > 0) timer = setTimeout(run, everyMs);
    };
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // the caller names what `load` depends on in `deps`
  }, deps);
  return state;
}
