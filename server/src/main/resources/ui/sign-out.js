'use strict';
// Ends the session (DELETE /api/v1/session); with forward auth the answer names the proxy's
// logout URL, so that the single sign-on session ends too.
document.addEventListener('DOMContentLoaded', () => {
  const button = document.getElementById('sign-out');
  if (!button) {
    return;
  }
  const error = document.getElementById('error');
  button.addEventListener('click', async () => {
    error.textContent = '';
    try {
      const response = await fetch('/api/v1/session', {
        method: 'DELETE',
        credentials: 'same-origin',
        headers: {'X-CSRF-Token': button.dataset.csrf},
      });
      if (response.status === 200) {
        const body = await response.json();
        window.location.assign(body.logoutUrl);
        return;
      }
      if (response.ok) {
        window.location.assign('/sign-in');
        return;
      }
      const problem = await response.json().catch(() => ({message: 'sign-out failed (HTTP ' + response.status + ')'}));
      error.textContent = problem.message;
    } catch (e) {
      error.textContent = 'the server cannot be reached';
    }
  });
});
