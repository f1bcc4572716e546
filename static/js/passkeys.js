// Passkeys and security keys (WebAuthn) for the enrolment, Security and two-step pages.
// Each [data-passkey] block runs one ceremony of django-otp-webauthn (partners/passkeys.py):
// ask the server for options, let the browser create or use the credential, send it back,
// then follow the server's redirect. A file, not inline code: the CSP allows no inline script.
(function () {
  "use strict";

  function toBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function toBase64url(buffer) {
    let text = "";
    new Uint8Array(buffer).forEach((byte) => { text += String.fromCharCode(byte); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));
  }

  function creationOptions(options) {
    return {
      ...options,
      challenge: toBytes(options.challenge),
      user: { ...options.user, id: toBytes(options.user.id) },
      excludeCredentials: withIds(options.excludeCredentials),
    };
  }

  function requestOptions(options) {
    return {
      ...options,
      challenge: toBytes(options.challenge),
      allowCredentials: withIds(options.allowCredentials),
    };
  }

  function asJSON(credential) {
    const response = credential.response;
    const encoded = {};
    for (const name of ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"]) {
      if (response[name]) encoded[name] = toBase64url(response[name]);
    }
    if (response.getTransports) encoded.transports = response.getTransports();
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: encoded,
      authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  async function post(url, csrf, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || "The portal refused it (" + response.status + ").");
    return data;
  }

  async function run(block, status) {
    const { passkey: ceremony, begin, complete, csrf, next } = block.dataset;
    const completeUrl = next ? complete + "?next=" + encodeURIComponent(next) : complete;
    const options = await post(begin, csrf);
    const credential = ceremony === "register"
      ? await navigator.credentials.create({ publicKey: creationOptions(options) })
      : await navigator.credentials.get({ publicKey: requestOptions(options) });
    status.textContent = "Checking with the portal…";
    const done = await post(completeUrl, csrf, asJSON(credential));
    window.location.assign(done.redirect_url);
  }

  function setUp(block) {
    const button = block.querySelector("[data-passkey-button]");
    const status = block.querySelector("[data-passkey-status]");
    if (!window.PublicKeyCredential) {
      button.disabled = true;
      status.textContent = "This browser can't use passkeys. Use an authenticator app instead.";
      return;
    }
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.textContent = "Follow your browser's prompt…";
      try {
        await run(block, status);
      } catch (error) {
        const cancelled = error.name === "NotAllowedError" || error.name === "AbortError";
        status.textContent = cancelled
          ? "Cancelled or timed out. Try again when ready."
          : "That didn't work: " + error.message;
        button.disabled = false;
      }
    });
  }

  document.querySelectorAll("[data-passkey]").forEach(setUp);
})();
