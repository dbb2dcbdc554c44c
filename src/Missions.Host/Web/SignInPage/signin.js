// The sign-in page. Inside the Teams tab: Teams' single sign-on (teams-js getAuthToken), whose token the host checks
// and turns into a session. On the web: straight on to Entra ID's sign-in. Either way, back to the page asked for.
(async () => {
  const params = new URLSearchParams(location.search);
  const wanted = params.get('returnUrl') || '/board';
  // This host's own pages only: a path that stays one after the browser reads it (which drops tabs and newlines and
  // reads a backslash as a slash, so "/\t/evil.example" would be another site), else the board.
  const returnUrl = (() => {
    if (!/^\/(?![\/\\])/.test(wanted) || /[\u0000-\u0020\u007f-\u009f\\]/.test(wanted)) {
      return '/board';
    }
    const url = new URL(wanted, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : '/board';
  })();
  const status = document.getElementById('status');
  const entra = document.getElementById('entra');
  entra.href = '/signin/entra?returnUrl=' + encodeURIComponent(returnUrl);

  if (params.has('signedOut')) {
    status.textContent = 'You are signed out.';
    entra.hidden = false;
    return;
  }

  // Only Teams may frame these pages (the content security policy says so): framed means in a Teams tab.
  if (window.parent === window) {
    location.replace(entra.href);
    return;
  }

  const within = (promise, ms, what) => Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(what)), ms)),
  ]);

  try {
    await within(microsoftTeams.app.initialize(), 10000, 'Teams did not answer');
    const token = await within(microsoftTeams.authentication.getAuthToken(), 30000, 'Teams gave no token');
    const response = await fetch('/signin/teams', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token },
      credentials: 'same-origin',
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || response.statusText);
    }

    // A browser that refuses this site's cookies inside Teams would send the person round again: look first.
    const session = await fetch('/signin/session', { credentials: 'same-origin' });
    if (!session.ok) {
      throw new Error('this browser does not keep the session inside Teams; open Missions in a browser or in the Teams app');
    }

    location.replace(returnUrl);
  } catch (e) {
    // Teams' own errors are strings ("resourceRequiresConsent", "CancelledByUser"); ours are Errors.
    status.textContent = 'Teams could not sign you in (' + (e && e.message ? e.message : e) + '). '
      + 'Ask your admin to grant Missions consent, or open Missions in a browser.';
    entra.target = '_blank';
    entra.hidden = false;
  }
})();
