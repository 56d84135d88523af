// Builds static/build/: GOV.UK Frontend compiled with Sass, its fonts and images, its JavaScript
// and ours. Run by `npm run build` (make does it when an input is newer than the output).
import { cpSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "static", "build");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "assets", "scss", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div"],
});
writeFileSync(join(out, "app.css"), result.css);
cpSync(join(govuk, "assets"), join(out, "assets"), { recursive: true });
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
// Our modules: app.mjs on every page, and page modules (e.g. fh-assessment.mjs) that a template loads itself.
for (const name of readdirSync(join(root, "assets", "js")).filter((n) => n.endsWith(".mjs"))) {
  cpSync(join(root, "assets", "js", name), join(out, name));
}
console.log(`built ${join("static", "build")}: app.css ${(result.css.length / 1024).toFixed(0)} KiB`);
