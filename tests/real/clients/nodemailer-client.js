// Sends one message with nodemailer, configured from the SD_* environment (see
// run-clients.sh). On failure it prints console.error(err), what Node apps log: the
// stack plus the error's code, response and command.
'use strict';
const nodemailer = require('nodemailer');

const env = (name, fallback = '') => process.env[name] || fallback;

const security = env('SD_SECURITY', 'starttls');
const timeout = Number(env('SD_TIMEOUT', '10')) * 1000;
const tls = {};
if (env('SD_VERIFY', 'none') === 'none') tls.rejectUnauthorized = false;
else if (env('SD_VERIFY') === 'ca') tls.ca = require('fs').readFileSync(env('SD_CAFILE'));
if (env('SD_TLS_MAX') === '1.0') {
  tls.minVersion = 'TLSv1';
  tls.maxVersion = 'TLSv1';
  tls.ciphers = 'DEFAULT@SECLEVEL=0';
}
const options = {
  host: env('SD_HOST', '127.0.0.1'),
  port: Number(env('SD_PORT', '25')),
  secure: security === 'tls',
  requireTLS: security === 'starttls',
  ignoreTLS: security === 'none',
  connectionTimeout: timeout,
  greetingTimeout: timeout,
  socketTimeout: timeout,
  tls,
};
if (env('SD_USER')) options.auth = { user: env('SD_USER'), pass: env('SD_PASSWORD') };

nodemailer.createTransport(options).sendMail({
  from: env('SD_FROM'),
  to: env('SD_TO'),
  subject: 'nodemailer test',
  text: 'x'.repeat(Number(env('SD_BODY_SIZE', '100'))),
}).then(() => console.log('sent'), (err) => {
  console.error(err);
  process.exitCode = 1;
});
