// Autosave for the Family Help assessment (templates/family_help/assessment/edit.html).
//
// While the practitioner types, the draft is posted as JSON to the form's data-autosave-url a few seconds
// after the last keystroke and whenever a field loses focus; the aria-live status says "Saved at HH:MM".
// The server refuses a save based on an old version (409): we then stop autosaving and show what the other
// person changed, so nothing of theirs is overwritten and nothing typed here is lost (it stays in the form).
// Without JavaScript the "Save draft" button does the same job. No inline script: a strict CSP can forbid them.

const DELAY_MS = 2500;

function fieldValues(form) {
  const values = {};
  const checkboxGroups = new Set();
  for (const element of form.elements) {
    if (!element.name || element.disabled || element.type === "submit" || element.type === "button") continue;
    if (element.name === "csrfmiddlewaretoken") continue;
    if (element.type === "checkbox") {
      checkboxGroups.add(element.name);
      if (!values[element.name]) values[element.name] = [];
      if (element.checked) values[element.name].push(element.value);
    } else if (element.type === "radio") {
      if (!(element.name in values)) values[element.name] = "";
      if (element.checked) values[element.name] = element.value;
    } else {
      values[element.name] = element.value;
    }
  }
  for (const name of checkboxGroups) values[name] = values[name] || [];
  return values;
}

function showProblem(box, heading, detail, changes) {
  box.replaceChildren();
  box.className = "govuk-warning-text";
  box.setAttribute("role", "alert");
  const title = document.createElement("p");
  title.className = "govuk-body govuk-!-font-weight-bold";
  title.textContent = heading;
  box.append(title);
  if (detail) {
    const text = document.createElement("p");
    text.className = "govuk-body";
    text.textContent = detail;
    box.append(text);
  }
  if (changes && changes.length) {
    const list = document.createElement("dl");
    list.className = "govuk-summary-list";
    for (const change of changes) {
      const row = document.createElement("div");
      row.className = "govuk-summary-list__row";
      const key = document.createElement("dt");
      key.className = "govuk-summary-list__key";
      key.textContent = change.label;
      const value = document.createElement("dd");
      value.className = "govuk-summary-list__value";
      value.textContent = `Saved now: ${change.saved}. You entered: ${change.entered}.`;
      row.append(key, value);
      list.append(row);
    }
    box.append(list);
  }
  box.hidden = false;
}

function start(form) {
  const url = form.dataset.autosaveUrl;
  const status = document.getElementById("autosave-status");
  const problem = document.getElementById("autosave-problem");
  const version = form.querySelector("input[name=version]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]");
  let timer = null;
  let dirty = false;
  let inflight = null;
  let stopped = false;
  // What the last save sent, but its version: a field losing focus with nothing new in it is not a save. (The
  // timeout warning takes the focus from the field being typed in, and its "change" event fired a save of the same
  // text: activity on the server that kept the session open while the page counted down to signing out.)
  let lastSaved = null;
  const unversioned = (values) => JSON.stringify({ ...values, version: undefined });

  async function save() {
    clearTimeout(timer);
    if (stopped || !dirty) return;
    if (inflight) {
      await inflight;
      return save();
    }
    dirty = false;
    const payload = fieldValues(form);
    if (unversioned(payload) === lastSaved) return;
    inflight = (async () => {
      try {
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token.value },
          body: JSON.stringify(payload),
        });
        const idle = response.headers.get("X-Session-Idle");
        const absolute = response.headers.get("X-Session-Absolute");
        if (idle !== null && absolute !== null) {
          // The save was activity: the timeout warning's countdown starts again from the server's count.
          document.dispatchEvent(
            new CustomEvent("ffp:session-activity", { detail: { idle: Number(idle), absolute: Number(absolute) } }),
          );
        }
        const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
        if (response.redirected || !isJson) {
          stopped = true;
          status.textContent = "You have been signed out. What was saved before is kept: sign in again to carry on.";
          return;
        }
        const body = await response.json();
        if (response.ok) {
          lastSaved = unversioned(payload);
          version.value = body.version;
          status.textContent = body.message;
          problem.hidden = true;
        } else if (response.status === 409) {
          stopped = true;
          status.textContent = "Not saved.";
          showProblem(problem, "Your latest changes have not been saved", body.detail, body.changes);
        } else if (response.status === 400) {
          dirty = true;
          const messages = Object.values(body.errors || {}).flat();
          status.textContent = "Not saved: " + messages.join(" ");
        } else {
          dirty = true;
          status.textContent = "Not saved: something went wrong. Use the Save draft button.";
        }
      } catch {
        dirty = true;
        status.textContent = "Not saved: the connection was lost. We will try again when you next type.";
      }
    })();
    await inflight;
    inflight = null;
  }

  function changed() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", () => { if (dirty) save(); });
  // A button press must not race an autosave in flight (it would refuse itself as stale): wait, then send.
  form.addEventListener("submit", (event) => {
    if (!inflight) return;
    event.preventDefault();
    const submitter = event.submitter;
    inflight.then(() => form.requestSubmit(submitter));
  });
}

for (const form of document.querySelectorAll("form[data-module=app-autosave]")) start(form);
