'use strict';
// Ends the session (DELETE /api/v1/session), then opens the next page: with forward auth the
// proxy's logout URL (from the answer, or the page's data-next), so that the single sign-on
// session ends too; else the sign-in page. A session that had already ended is no error: the
// server answers as for a sign-out.
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
        window.location.assign(button.dataset.next || '/sign-in');
        return;
      }
      const problem = await response.json().catch(() => ({message: 'sign-out failed (HTTP ' + response.status + ')'}));
      error.textContent = problem.message;
    } catch (e) {
      error.textContent = 'the server cannot be reached';
    }
  });
});
