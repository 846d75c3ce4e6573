// Headless Chromium for the browser tests (Debian's `chromium`; .ci/run installs it): where the
// binary is, and the reason to skip when it is missing outside CI (with CI=true a missing binary fails).
import { execFileSync } from "node:child_process";

function findChromium(): string | undefined {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim() || undefined;
    } catch {
      // not on PATH under this name
    }
  }
  return undefined;
}

/** CHROMIUM_PATH, else `chromium` or `chromium-browser` on PATH. */
export const chromium = process.env.CHROMIUM_PATH || findChromium();
const ci = Boolean(process.env.CI) && process.env.CI !== "false";
/** `describe`'s skip option: a reason when there is no binary and this is not CI, else false. */
export const chromiumSkip: string | false =
  !chromium && !ci ? "no chromium binary on PATH (apt-get install chromium); with CI=true this fails" : false;
