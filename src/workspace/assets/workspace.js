// Vigil workspace: enhancements only. Every page works without this file.
// Passkeys (which need JavaScript in every browser) and live search in pickers.
// No HTML is ever built from strings: text goes through textContent.
"use strict";
(function () {
  document.documentElement.classList.add("js");

  function b64uToBuf(s) {
    const pad = "=".repeat((4 - (s.length % 4)) % 4);
    const bin = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function bufToB64u(buf) {
    const bytes = new Uint8Array(buf);
    let bin = "";
    for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf() {
    const input = document.querySelector('input[name="_csrf"]');
    return input ? input.value : "";
  }
  async function post(url, body) {
    const res = await fetch(url, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json", "x-csrf-token": csrf() }, body: JSON.stringify(body || {}) });
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) throw new Error((data && data.error && data.error.message) || "failed (" + res.status + ")");
    return data;
  }

  const supported = typeof window.PublicKeyCredential === "function" && navigator.credentials;
  document.querySelectorAll("[data-passkey]").forEach(function (box) {
    if (!supported) return;
    box.hidden = false;
    const status = box.querySelector(".passkey-status");
    const button = box.querySelector("button");
    const say = function (text) {
      if (status) status.textContent = text;
    };
    button.addEventListener("click", async function () {
      button.disabled = true;
      say("…");
      try {
        if (box.dataset.passkey === "sign-in") {
          const { options } = await post("/workspace/passkey/options");
          const publicKey = Object.assign({}, options, { challenge: b64uToBuf(options.challenge), allowCredentials: (options.allowCredentials || []).map(function (c) { return Object.assign({}, c, { id: b64uToBuf(c.id) }); }) });
          const cred = await navigator.credentials.get({ publicKey: publicKey });
          const r = cred.response;
          const response = { id: cred.id, rawId: bufToB64u(cred.rawId), type: cred.type, clientExtensionResults: cred.getClientExtensionResults(), authenticatorAttachment: cred.authenticatorAttachment || undefined, response: { clientDataJSON: bufToB64u(r.clientDataJSON), authenticatorData: bufToB64u(r.authenticatorData), signature: bufToB64u(r.signature), userHandle: r.userHandle ? bufToB64u(r.userHandle) : undefined } };
          const done = await post("/workspace/passkey/verify", { response: response, next: box.dataset.next || "/workspace/" });
          window.location.assign(done.next);
        } else {
          const nameInput = box.querySelector('input[name="passkeyName"]');
          const { options } = await post("/workspace/account/passkeys/options");
          const publicKey = Object.assign({}, options, {
            challenge: b64uToBuf(options.challenge),
            user: Object.assign({}, options.user, { id: b64uToBuf(options.user.id) }),
            excludeCredentials: (options.excludeCredentials || []).map(function (c) { return Object.assign({}, c, { id: b64uToBuf(c.id) }); }),
          });
          const cred = await navigator.credentials.create({ publicKey: publicKey });
          const r = cred.response;
          const response = { id: cred.id, rawId: bufToB64u(cred.rawId), type: cred.type, clientExtensionResults: cred.getClientExtensionResults(), authenticatorAttachment: cred.authenticatorAttachment || undefined, response: { clientDataJSON: bufToB64u(r.clientDataJSON), attestationObject: bufToB64u(r.attestationObject), transports: r.getTransports ? r.getTransports() : [] } };
          const done = await post("/workspace/account/passkeys/verify", { response: response, name: nameInput ? nameInput.value : "" });
          window.location.assign(done.next);
        }
      } catch (e) {
        say(e && e.message ? e.message : String(e));
        button.disabled = false;
      }
    });
  });

  // Live results under a picker's search box; choosing one fills the id field.
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    const types = picker.dataset.picker;
    const search = picker.querySelector('input[type="search"]');
    const idInput = Array.from(picker.querySelectorAll('input[type="text"]')).pop();
    if (!types || !search || !idInput) return;
    const list = document.createElement("ul");
    list.className = "picker-live";
    list.setAttribute("aria-live", "polite");
    search.after(list);
    let timer = 0;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const q = search.value.trim();
        list.replaceChildren();
        if (q.length < 2) return;
        const params = new URLSearchParams({ q: q, types: types, limit: "8" });
        const res = await fetch("/api/v1/search?" + params.toString(), { credentials: "same-origin" });
        if (!res.ok) return;
        const data = await res.json();
        for (const hit of data.items || []) {
          const li = document.createElement("li");
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = (hit.label || hit.id) + " (" + hit.type + ")";
          b.addEventListener("click", function () {
            idInput.value = hit.id;
            list.replaceChildren();
            idInput.focus();
          });
          li.append(b);
          list.append(li);
        }
      }, 250);
    });
  });
})();
