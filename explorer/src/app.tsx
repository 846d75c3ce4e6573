// The explorer's shell: the nav bar and the page the hash route names.
import { useChain } from "./chain.ts";
import { Block } from "./pages/block.tsx";
import { Blocks } from "./pages/blocks.tsx";
import { Home } from "./pages/home.tsx";
import { ModelPage } from "./pages/model.tsx";
import { Models } from "./pages/models.tsx";
import { Proposals } from "./pages/proposals.tsx";
import { RequestPage, Requests } from "./pages/requests.tsx";
import { Tx } from "./pages/tx.tsx";
import { Validator, Validators } from "./pages/validators.tsx";
import { href, type Route, useRoute } from "./router.ts";

function Page({ route }: { route: Route }) {
  const [page = "", arg = ""] = route.parts;
  const before = route.query.get("before");
  switch (page) {
    case "":
      return <Home />;
    case "blocks":
      return <Blocks before={before ? Number(before) : undefined} />;
    case "block":
      return <Block height={Number(arg)} />;
    case "tx":
      return <Tx hash={arg.toUpperCase()} />;
    case "validators":
      return <Validators />;
    case "validator":
      return <Validator operator={arg} />;
    case "models":
      return <Models task={route.query.get("task") ?? ""} sort={route.query.get("sort") ?? ""} />;
    case "model":
      return <ModelPage id={arg} />;
    case "requests":
      return <Requests />;
    case "request":
      return <RequestPage id={arg} />;
    case "proposals":
      return <Proposals />;
    default:
      return <p class="error">No page {page}.</p>;
  }
}

const NAV: [string, string][] = [
  ["", "Overview"],
  ["blocks", "Blocks"],
  ["validators", "Validators"],
  ["models", "Models"],
  ["requests", "Live requests"],
  ["proposals", "Governance"],
];

export function App() {
  const route = useRoute();
  const { endpoints } = useChain();
  return (
    <>
      <header>
        <b>DGrid</b>
        <nav>
          {NAV.map(([path, label]) => (
            <a
              key={path}
              href={href(path ? [path] : [])}
              class={route.parts[0] === path || (!route.parts[0] && !path) ? "on" : ""}
            >
              {label}
            </a>
          ))}
        </nav>
        <span class="muted small">{endpoints.chainId}</span>
      </header>
      <main>
        <Page route={route} />
      </main>
    </>
  );
}
