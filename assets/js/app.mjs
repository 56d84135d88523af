// Marks the page as JavaScript-enabled (kept out of an inline script so the CSP can forbid them)
// and starts every GOV.UK Frontend component on the page.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
// The session's timeout warning and the drafts kept in the browser (issue 12 item 8).
import "./session.mjs";
