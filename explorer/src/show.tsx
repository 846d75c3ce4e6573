// Small pieces every page uses: the loading / error / not-available line, a definition list.
import type { ComponentChildren } from "preact";
import type { Loaded } from "./use-data.ts";

/** Renders `children(data)` once loaded; otherwise what is going on. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.unavailable) return <p class="muted na">not available on this node</p>;
  if (loaded.data !== undefined) return <>{children(loaded.data)}</>;
  if (loaded.error) return <p class="error">{loaded.error.message}</p>;
  return <p class="muted">loading…</p>;
}

/** A value, or "not available" when its route is missing. */
export function orNa<T>(loaded: Loaded<T>, value: (data: T) => ComponentChildren): ComponentChildren {
  if (loaded.unavailable) return <span class="muted na">not available</span>;
  if (loaded.data === undefined)
    return loaded.error ? (
      <span class="error" title={loaded.error.message}>
        error
      </span>
    ) : (
      "…"
    );
  return value(loaded.data);
}

export function Fields({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="fields">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd data-field={k}>{v}</dd>
        </>
      ))}
    </dl>
  );
}
