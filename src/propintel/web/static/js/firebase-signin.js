// Firebase sign-in on the log-in and sign-up pages (templates/auth/_firebase.html).
//
// The Firebase SDK (the compat builds in static/vendor/firebase) signs the visitor in with Google
// or an e-mail and password; we then post the Firebase ID token, with the page's CSRF token, to
// our exchange endpoint, which verifies it, opens a PropIntel session and answers where to go.
// Firebase keeps nothing in the browser (in-memory persistence): our session cookie is the only
// log-in, and logging out of PropIntel leaves no Firebase session behind.
(function () {
  "use strict";
  const block = document.getElementById("firebase-signin");
  if (!block || typeof window.firebase === "undefined" || !window.firebase.auth) return;

  const data = block.dataset;
  const status = document.getElementById("firebase-status");
  const googleButton = document.getElementById("firebase-google");
  const form = document.getElementById("firebase-email-form");
  const messagesNode = document.getElementById("firebase-messages");
  const messages = messagesNode ? JSON.parse(messagesNode.textContent) : {};
  const signup = data.mode === "signup";
  // Initialised with the page, so that a click opens Google's window at once (browsers block
  // pop-ups opened too long after the click). Without persisted users and pending redirects,
  // this reads the browser's storage only: nothing is fetched until the visitor signs in.
  let auth;
  try {
    const app = window.firebase.initializeApp(
      { apiKey: data.apiKey, authDomain: data.authDomain, projectId: data.projectId },
      "propintel",
    );
    auth = app.auth();
    auth.languageCode = document.documentElement.lang || "en";
    auth.setPersistence(window.firebase.auth.Auth.Persistence.NONE).catch(() => {});
  } catch (error) {
    return; // the block stays hidden: local log-in only
  }

  function say(text, isError) {
    status.className = text ? (isError ? "flash flash-error" : "flash") : "";
    status.textContent = text || "";
  }

  function busy(on) {
    block.setAttribute("aria-busy", on ? "true" : "false");
    for (const button of block.querySelectorAll("button")) button.disabled = on;
  }

  const ERRORS = {
    "auth/popup-closed-by-user": "cancelled",
    "auth/cancelled-popup-request": "cancelled",
    "auth/user-cancelled": "cancelled",
    "auth/popup-blocked": "popupBlocked",
    "auth/invalid-credential": "wrongCredentials",
    "auth/invalid-login-credentials": "wrongCredentials",
    "auth/wrong-password": "wrongCredentials",
    "auth/user-not-found": "wrongCredentials",
    "auth/invalid-email": "invalidEmail",
    "auth/missing-password": "missing",
    "auth/email-already-in-use": "emailInUse",
    "auth/weak-password": "weakPassword",
    "auth/password-does-not-meet-requirements": "weakPassword",
    "auth/network-request-failed": "network",
    "auth/too-many-requests": "tooMany",
    "auth/operation-not-allowed": "notAllowed",
  };

  function firebaseMessage(error) {
    const key = (error && ERRORS[error.code]) || "failed";
    return messages[key] || messages.failed || "Sign-in failed.";
  }

  function chosenUserType() {
    const choice = document.querySelector('input[name="user_type"]:checked');
    return choice && choice.value === "homeowner" ? "homeowner" : "subscriber";
  }

  // Our side: the ID token for a session. Resolves to true when the browser is on its way.
  async function exchange(user, byEmail) {
    const token = await user.getIdToken();
    let response;
    try {
      response = await fetch(data.endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRF-Token": data.csrfToken,
        },
        body: JSON.stringify({
          id_token: token,
          next: data.next || "/dashboard",
          user_type: signup ? chosenUserType() : "subscriber",
        }),
      });
    } catch (error) {
      say(messages.network, true);
      return false;
    }
    let body = {};
    try {
      body = await response.json();
    } catch (error) {
      body = {};
    }
    if (response.ok && typeof body.redirect === "string" && body.redirect.startsWith("/")) {
      window.location.assign(body.redirect);
      return true;
    }
    let text = typeof body.detail === "string" ? body.detail : messages.failed;
    // An existing account is linked only through a verified address: offer Firebase's link.
    if (response.status === 403 && byEmail && !user.emailVerified) {
      try {
        await user.sendEmailVerification();
        text += " " + messages.verificationSent;
      } catch (error) {
        // the server's refusal says enough
      }
    }
    say(text, true);
    return false;
  }

  // ``signingIn``: Firebase's sign-in, started by the click itself.
  async function run(signingIn, byEmail) {
    busy(true);
    say(messages.working, false);
    let leaving = false;
    try {
      const credential = await signingIn;
      leaving = await exchange(credential.user, byEmail);
    } catch (error) {
      say(firebaseMessage(error), true);
    } finally {
      auth.signOut().catch(() => {});
      if (!leaving) busy(false);
    }
  }

  googleButton.addEventListener("click", () => {
    const provider = new window.firebase.auth.GoogleAuthProvider();
    provider.setCustomParameters({ prompt: "select_account" });
    run(auth.signInWithPopup(provider), false);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const email = form.querySelector('input[type="email"]').value.trim();
    const password = form.querySelector('input[type="password"]').value;
    if (!email || !password) {
      say(messages.missing, true);
      return;
    }
    run(
      signup
        ? auth.createUserWithEmailAndPassword(email, password)
        : auth.signInWithEmailAndPassword(email, password),
      true,
    );
  });

  block.hidden = false;
})();
