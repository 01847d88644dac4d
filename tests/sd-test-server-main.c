/* sd-test-server-main.c: the scripted test server as a program, for the demo script and
 * for trying the CLI by hand. Serves a few well-behaved sessions (STARTTLS, then AUTH
 * PLAIN/LOGIN/CRAM-MD5 for alice / secret) on 127.0.0.1 and prints what it saw.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "sd-test-certs.h"
#include "sd-test-server.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- scripted SMTP test server on 127.0.0.1");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTestServer) server = NULL;
  SdTestServerConfig config;
  const SdTestRecord *record;
  int connections = 1, timeout = 60;
  gboolean chunking = FALSE;
  GOptionEntry entries[] = {
    { "connections", 'n', 0, G_OPTION_ARG_INT, &connections, "Sessions to serve before exiting (default 1)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait for them (default 60)", "SECONDS" },
    { "chunking", 0, 0, G_OPTION_ARG_NONE, &chunking, "Offer CHUNKING", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || connections < 1 || timeout < 1)
    {
      fprintf (stderr, "%s\n", error ? error->message : "bad --connections or --timeout");
      return 1;
    }

  sd_test_server_config_init (&config);
  config.n_connections = connections;
  config.chunking = chunking;
  config.timeout_s = timeout;
  server = sd_test_server_new (&config, &error);
  if (server == NULL)
    {
      fprintf (stderr, "Cannot start the test server: %s\n", error->message);
      return 1;
    }

  /* The script reads these two lines to know where to connect and what to trust. */
  printf ("PORT=%u\nCA=%s\n", sd_test_server_get_port (server), sd_test_certs_get ()->ca_file);
  fflush (stdout);

  if (!sd_test_server_wait (server, timeout * 1000))
    fprintf (stderr, "Test server: stopped waiting after %d s\n", timeout);
  record = sd_test_server_get_record (server);
  fprintf (stderr, "Test server: %u connection(s), %u message(s) received%s\n",
           record->n_connections, record->messages->len,
           record->authenticated ? ", client authenticated" : "");
  return 0;
}
