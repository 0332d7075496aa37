/* coach.js: what the scripts of two or more coach pages share, as one object: window.Rapport.
   Served at /static/coach.js; each page loads it with its nonce before its own inline script.

   What belongs here: code two or more pages would otherwise repeat: taking the sign-in token
   out of the address, reading who signed in from it, calling the API with it (problem+json
   errors become Error objects with the detail and the status), showing an error, building
   elements, and how numbers, dates, channels and skills are written for people.
   What does not: anything only one page does (what it fetches, how it renders it, its forms
   and keys), and anything that runs by itself on load: a page calls what it needs.
   Plain ES2017 in one file: no modules, no build step, no CDN.
*/
"use strict";
window.Rapport = (function () {
  const TOKEN_KEY = "rapport-token";

  // A sign-in link carries the token in its query string: keep it for this tab, and take it
  // out of the address (history, bookmarks, screenshots). Returns the stored token, or null.
  function signIn() {
    const params = new URLSearchParams(window.location.search);
    if (params.get("token")) {
      sessionStorage.setItem(TOKEN_KEY, params.get("token"));
      params.delete("token");
      const query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  // The token's payload ("<base64url {"exp","sub","role","team"}>.<signature>"), {} when it
  // cannot be read. For a page served bare (a reload); the API checks the token itself.
  function claims(token) {
    try {
      const payload = JSON.parse(atob((token || "").split(".")[0].replace(/-/g, "+").replace(/_/g, "/")));
      return payload && typeof payload === "object" ? payload : {};
    } catch (err) {
      return {};
    }
  }

  // Who the page is for, from what the server filled in (data-role, data-agent-id,
  // data-team-id on the app element) or else from the stored token: an agent's team is the
  // first two parts of their id.
  function person(app, token) {
    const payload = claims(token);
    const role = app.dataset.role || payload.role || (payload.sub ? "agent" : "");
    const agentId = app.dataset.agentId || (role === "agent" ? payload.sub || "" : "");
    const teamId = app.dataset.teamId || payload.team ||
      (agentId ? agentId.split(":").slice(0, 2).join(":") : "");
    return {role, agentId, teamId};
  }

  const $ = (id) => document.getElementById(id);

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  // A call to the coach's API with the stored token. no-store: a page shown again (the way
  // back, a reload) must show things as they are now. A refusal throws an Error carrying the
  // problem's detail and the HTTP status (409: what is on screen is out of date).
  async function request(method, path, body) {
    const response = await fetch(path, {
      method, cache: "no-store",
      headers: {"Authorization": "Bearer " + sessionStorage.getItem(TOKEN_KEY),
                "Content-Type": "application/json"},
      body: body === undefined ? undefined : JSON.stringify(body)});
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      const error = new Error(problem.detail || ("request failed: " + response.status));
      error.status = response.status;
      throw error;
    }
    return response;
  }

  // The same, for an answer in JSON ({} when the body is empty).
  async function api(method, path, body) {
    return (await request(method, path, body)).json().catch(() => ({}));
  }

  // Into the page's <p id="error" role="alert">, which reads it out.
  function showError(err) { $("error").textContent = err.message; }

  const words = (name) => name.replace(/_/g, " ");
  const channelName = (name) => ({sms: "SMS", web_form: "web form", voice: "phone"}[name] || words(name));
  const percent = (value) => value === null || value === undefined ? "n/a" : Math.round(value * 100) + "%";
  const day = (iso) => new Date(iso).toLocaleDateString(undefined, {day: "numeric", month: "short", year: "numeric"});
  const minutesSeconds = (seconds) => Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");

  // The links to the other pages of the same person (the stored token serves them too), into
  // <nav id="pages" hidden>: shown once the page knows who signed in.
  function pagesNav(role) {
    if (!role) return;
    const pages = role === "lead"
      ? [["/team", "Team view"], ["/lines", "Best lines"], ["/gratitude", "Thanks from customers"]]
      : [["/practice", "Your practice"], ["/lines", "Best lines"], ["/gratitude", "Thanks from customers"]];
    const list = el("ul", undefined, "pages");
    for (const [href, name] of pages) {
      const item = el("li");
      const link = el("a", name);
      link.href = href;
      if (href === window.location.pathname) link.setAttribute("aria-current", "page");
      item.append(link);
      list.append(item);
    }
    $("pages").append(list);
    $("pages").hidden = false;
  }

  return Object.freeze({
    signIn, claims, person, $, el, request, api, showError,
    words, channelName, percent, day, minutesSeconds, pagesNav,
  });
})();
