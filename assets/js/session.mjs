// Session timeout warning and drafts kept in the browser (issue 12 item 8). No inline script: a strict CSP forbids them.
//
// Warning: the server ends a session 15 minutes after its last request (cases.middleware). The dialog in
// templates/includes/timeout_dialog.html carries the seconds left as the server counted them; two minutes before the
// end it opens as a modal <dialog> (focus on its heading, Tab kept inside, Escape = stay signed in) with a
// countdown, read out by screen readers every 15 seconds rather than every second. "Stay signed in" asks the
// server for more time; at the end the browser goes to the sign-in page, which brings the user back here (`next`).
//
// Drafts: what is typed into a form that posts is copied to sessionStorage (this tab only), keyed by the signed-in
// user, the page's path and the form's place on it. After signing in again the page puts it back and says so. A
// submitted draft is dropped on the next page unless that page is the sign-in page (the submission was cut off by
// the end of the session, so the draft is put back once the user is signed in). Signing out drops every draft.

const PREFIX = "ffp-draft:";
const SKIP_TYPES = new Set(["password", "hidden", "file", "submit", "button", "reset", "image"]);
const MAX_AGE_MS = 12 * 60 * 60 * 1000;

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage refused by the browser: nothing is kept, the page works as before
  }
}

function allDrafts(store) {
  const drafts = [];
  for (let i = 0; i < store.length; i += 1) {
    const key = store.key(i);
    if (!key || !key.startsWith(PREFIX)) continue;
    try {
      drafts.push([key, JSON.parse(store.getItem(key))]);
    } catch {
      drafts.push([key, null]);
    }
  }
  return drafts;
}

function trackedForms() {
  return [...document.querySelectorAll("form")].filter(
    (form) => (form.getAttribute("method") || "").toLowerCase() === "post" && !form.hasAttribute("data-no-draft")
      && !form.closest("dialog, header"),
  );
}

function values(form) {
  const result = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled || SKIP_TYPES.has(element.type)) continue;
    if (element.type === "checkbox") {
      if (!Array.isArray(result[element.name])) result[element.name] = [];
      if (element.checked) result[element.name].push(element.value);
    } else if (element.type === "radio") {
      if (!(element.name in result)) result[element.name] = null;
      if (element.checked) result[element.name] = element.value;
    } else if (element.tagName === "SELECT" && element.multiple) {
      result[element.name] = [...element.selectedOptions].map((option) => option.value);
    } else {
      result[element.name] = element.value;
    }
  }
  return result;
}

function restore(form, saved) {
  for (const element of form.elements) {
    if (!element.name || element.disabled || SKIP_TYPES.has(element.type) || !(element.name in saved)) continue;
    const value = saved[element.name];
    if (element.type === "checkbox") {
      element.checked = Array.isArray(value) && value.includes(element.value);
    } else if (element.type === "radio") {
      element.checked = value === element.value;
    } else if (element.tagName === "SELECT" && element.multiple) {
      for (const option of element.options) option.selected = Array.isArray(value) && value.includes(option.value);
    } else if (typeof value === "string") {
      element.value = value;
    }
  }
}

function restoredBanner(form) {
  const banner = document.createElement("div");
  banner.className = "govuk-notification-banner";
  banner.setAttribute("role", "region");
  banner.setAttribute("aria-labelledby", "draft-restored-title");
  banner.dataset.draftRestored = "";
  const header = document.createElement("div");
  header.className = "govuk-notification-banner__header";
  const title = document.createElement("h2");
  title.className = "govuk-notification-banner__title";
  title.id = "draft-restored-title";
  title.textContent = "Important";
  header.append(title);
  const content = document.createElement("div");
  content.className = "govuk-notification-banner__content";
  const text = document.createElement("p");
  text.className = "govuk-notification-banner__heading";
  text.textContent = "We have put back what you typed before you were signed out. Check it before you continue.";
  content.append(text);
  banner.append(header, content);
  form.before(banner);
}

function startDrafts(store, dialog) {
  const signInForm = document.querySelector("form[data-sign-in]");
  const drafts = allDrafts(store);
  const now = Date.now();
  if (signInForm) {
    // A submission cut off by the end of the session: keep it to put back after signing in.
    for (const [key, draft] of drafts) {
      if (!draft || now - draft.savedAt > MAX_AGE_MS) store.removeItem(key);
      else if (draft.submitted) store.setItem(key, JSON.stringify({ ...draft, submitted: false }));
    }
    return;
  }
  if (!dialog) return; // a page for someone not signed in: leave the drafts for after the sign-in
  const user = dialog.dataset.user;
  const mine = `${PREFIX}${user}:`;
  const forms = trackedForms();
  const keyOf = (index) => `${mine}${window.location.pathname}:${index}`;
  const onPage = new Set(forms.map((_, index) => keyOf(index)));
  for (const [key, draft] of drafts) {
    // Someone else's drafts in this tab, old ones, and submissions that went through are dropped.
    if (!key.startsWith(mine) || !draft || now - draft.savedAt > MAX_AGE_MS || draft.submitted) {
      store.removeItem(key);
    } else if (onPage.has(key)) {
      const form = forms[[...onPage].indexOf(key)];
      restore(form, draft.values);
      restoredBanner(form);
    }
  }
  forms.forEach((form, index) => {
    const key = keyOf(index);
    const save = (submitted) => {
      try {
        store.setItem(key, JSON.stringify({ values: values(form), savedAt: Date.now(), submitted }));
      } catch {
        // storage full or refused: the form still works
      }
    };
    form.addEventListener("input", () => save(false));
    form.addEventListener("change", () => save(false));
    form.addEventListener("submit", () => save(true));
  });
  const signOut = dialog.dataset.signOutUrl;
  for (const form of document.querySelectorAll("form")) {
    if (new URL(form.action, window.location.href).pathname === signOut) {
      form.addEventListener("submit", () => {
        for (const [key] of allDrafts(store)) store.removeItem(key);
      });
    }
  }
}

function spoken(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

function startWarning(dialog) {
  const warning = Number(dialog.dataset.warning) * 1000;
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const live = dialog.querySelector("[data-timeout-live]");
  const heading = dialog.querySelector("h2");
  const stayForm = dialog.querySelector("[data-timeout-stay-form]");
  const stayButton = stayForm.querySelector("button");
  let absoluteEnd = Date.now() + Number(dialog.dataset.absolute) * 1000;
  let end = Math.min(Date.now() + Number(dialog.dataset.idle) * 1000, absoluteEnd);
  let timer = null;
  let returnFocus = null;
  let lastSpoken = -1;

  const signIn = () => {
    const here = window.location.pathname + window.location.search;
    window.location.assign(`${dialog.dataset.signInUrl}?next=${encodeURIComponent(here)}`);
  };
  const tick = () => {
    const left = end - Date.now();
    if (left <= 0) {
      window.clearInterval(timer);
      // A second's grace, so that the server has counted the same 15 minutes when the sign-in page asks it.
      window.setTimeout(signIn, 1000);
      return;
    }
    if (left > warning) return;
    const seconds = Math.ceil(left / 1000);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      stayButton.hidden = absoluteEnd <= end; // the 12 hours cannot be stretched
      dialog.showModal();
      heading.focus();
    }
    countdown.textContent = spoken(seconds);
    const bucket = Math.ceil(seconds / 15);
    if (bucket !== lastSpoken) {
      lastSpoken = bucket;
      live.textContent = `We will sign you out in ${spoken(seconds)}.`;
    }
  };
  const stay = async () => {
    try {
      const response = await fetch(stayForm.action, {
        method: "POST",
        body: new FormData(stayForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        signIn();
        return;
      }
      const answer = await response.json();
      absoluteEnd = Date.now() + answer.absolute * 1000;
      end = Math.min(Date.now() + answer.idle * 1000, absoluteEnd);
    } catch {
      return; // offline: keep counting down; the dialog stays open
    }
    lastSpoken = -1;
    dialog.close();
    if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
  };
  // A background request the server counted as activity (the assessment's autosave): its answer's seconds left
  // (X-Session-Idle, X-Session-Absolute: cases.middleware) restart the countdown, which otherwise runs from the page's
  // load and would send the user to the sign-in page while the server still holds the session open.
  document.addEventListener("ffp:session-activity", (event) => {
    const { idle, absolute } = event.detail || {};
    if (!Number.isFinite(idle) || !Number.isFinite(absolute)) return;
    absoluteEnd = Date.now() + absolute * 1000;
    end = Math.min(Date.now() + idle * 1000, absoluteEnd);
    if (dialog.open && end - Date.now() > warning) {
      lastSpoken = -1;
      dialog.close();
      if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
    }
  });
  stayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  dialog.addEventListener("cancel", (event) => {
    // Escape: the pattern treats it as "stay signed in".
    event.preventDefault();
    if (!stayButton.hidden) stay();
  });
  timer = window.setInterval(tick, 1000);
  tick();
}

const store = storage();
const dialog = document.getElementById("timeout-dialog");
if (store) startDrafts(store, dialog);
if (dialog && typeof dialog.showModal === "function") startWarning(dialog);
