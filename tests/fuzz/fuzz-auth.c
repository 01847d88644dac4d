/* fuzz-auth.c: libFuzzer harness for the SASL mechanisms' answers to server challenges
 *
 * A hostile server picks the challenges. Each mechanism must answer or refuse with an
 * error, never crash, and never show the password in what the transcript gets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd-auth.h"

#define PASSWORD "pw-Zq8!never-shown"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_shown (const char *shown)
{
  if (shown != NULL && strstr (shown, PASSWORD) != NULL)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const mechanisms[] = { "PLAIN", "LOGIN", "CRAM-MD5" };
  g_autoptr(SdAuth) auth = NULL;
  g_autoptr(GBytes) ir = NULL;
  g_autofree char *ir_shown = NULL;
  const char *p, *end;

  if (size < 1)
    return 0;

  /* Byte 0 picks the mechanism; the rest are challenges separated by 0xFF. */
  auth = sd_auth_new (mechanisms[data[0] % G_N_ELEMENTS (mechanisms)], "user", PASSWORD, NULL);
  if (auth == NULL)
    abort ();
  ir = sd_auth_initial_response (auth, &ir_shown);
  check_shown (ir_shown);

  p = (const char *) data + 1;
  end = (const char *) data + size;
  while (p <= end)
    {
      const char *sep = memchr (p, 0xff, end - p);
      const char *stop = sep != NULL ? sep : end;
      g_autoptr(GBytes) challenge = g_bytes_new (p, stop - p);
      g_autoptr(GBytes) response = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *shown = NULL;

      response = sd_auth_step (auth, challenge, &shown, &error);
      if ((response == NULL) == (error == NULL))
        abort ();   /* exactly one of them */
      check_shown (shown);
      if (error != NULL && strstr (error->message, PASSWORD) != NULL)
        abort ();
      p = stop + 1;
    }
  return 0;
}
