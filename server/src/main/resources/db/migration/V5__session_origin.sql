-- How a session began: a local password sign-in, or the forward-auth proxy's identity
-- headers (issue 5). Forward-auth sessions live only while the proxy keeps naming their user.
ALTER TABLE sessions
    ADD COLUMN origin text NOT NULL DEFAULT 'password' CHECK (origin IN ('password', 'forward_auth'));
