/* sd-server-private.h: what the built-in server's files share
 *
 * sd-server.c owns the object, its queue to the caller and the public API;
 * sd-server-session.c runs one connection (reading, replying, the command loop);
 * sd-server-commands.c and sd-server-auth.c answer the commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-connection.h"
#include "sd-event-sink.h"
#include "sd-server.h"
#include "sd-server-connector.h"
#include "sd-server-fault.h"

G_BEGIN_DECLS

#define SD_SERVER_DEFAULT_HOSTNAME  "smtp-doctor.localhost"
#define SD_SERVER_DEFAULT_MAX_SIZE  (10 * 1024 * 1024)
#define SD_SERVER_READ_SIZE         (16 * 1024)
#define SD_SERVER_MAX_RCPT          100
#define SD_SERVER_MAX_AUTH_FAILURES 3
#define SD_SERVER_MAX_SESSION_S     3600     /* a trickling client cannot hold a slot longer */
#define SD_SERVER_SHOWN_DATA_LINES  200      /* message lines shown in the transcript */
#define SD_SERVER_SHOWN_LINE_MAX    1000
#define SD_SERVER_GREYLIST_MAX      10000
#define SD_SERVER_STOP_WAIT_S       10

typedef enum {
  ITEM_STARTED,
  ITEM_EVENTS,
  ITEM_MESSAGE,
  ITEM_FINISHED,
} ItemKind;

/* One thing on its way to the caller's main context. */
typedef struct {
  ItemKind         kind;
  guint            id;
  char            *peer;
  GPtrArray       *events;
  SdServerMessage *message;
  SdServerSession *session;
} Item;

struct _SdServer {
  GObject          parent_instance;
  SdServerConfig  *config;
  char            *cert_pem;
  char            *key_pem;
  char            *cert_path;
  char            *cert_sha256;

  GSocketService  *service;
  guint16          port;
  guint16          tls_port;
  GThread         *thread;
  GMainContext    *server_context;
  GMainLoop       *loop;
  GThreadPool     *pool;
  GCancellable    *cancellable;
  GMainContext    *caller_context;
  gboolean         started;
  const SdServerConnector *connector;

  GMutex           lock;          /* guards everything below */
  GQueue           items;         /* (element-type Item) */
  GSource         *flush_source;
  GQueue           messages;      /* (element-type SdServerMessage) */
  GHashTable      *greylist;      /* "ip\nfrom\nto" seen once */
  GQueue           rate_times;    /* monotonic times of the MAILs inside the rate window */
  GHashTable      *per_client;    /* ip -> sessions now running from it */
  guint            n_active;
  guint            n_sessions;
  guint            n_files;
};

typedef enum {
  STEP_CONTINUE,
  STEP_CLOSE,     /* we said goodbye (221 or 421) */
  STEP_FAILED,    /* the connection is gone or broken */
} Step;

/* One connection; lives on its pool thread's stack. */
typedef struct {
  SdServer             *server;
  const SdServerConfig *cfg;
  GSocketConnection    *gconn;
  SdConnection         *conn;
  SdServerSession      *info;
  char                 *peer_ip;
  GByteArray           *in;
  GString              *out;
  SdEventSink           sink;       /* into info->events, and queued for the caller */
  gint64                deadline;
  gint64                greeting_deadline; /* EHLO or HELO by then */
  gint64                line_deadline;     /* the current command line by then; 0: none */
  SdStage               stage;
  gboolean              tls;
  gboolean              greeted;
  gboolean              authenticated;
  char                 *auth_user;
  guint                 n_commands;
  /* the mail transaction */
  gboolean              in_transaction;
  char                 *mail_from;
  char                 *mail_params;
  GPtrArray            *rcpt;
  GPtrArray            *rcpt_params;
  gboolean              smtputf8;    /* MAIL said SMTPUTF8 */
  gboolean              body_8bit;
  guint                 n_messages;
} Session;

typedef enum {
  LINE_OK,
  LINE_TOO_LONG,   /* consumed and dropped */
  LINE_END,        /* the session must end */
} LineResult;

typedef struct {
  GSocketConnection *connection;
  guint              id;
  gboolean           implicit_tls;
  char              *ip;
} Job;

/* sd-server-config.c */
void _sd_server_config_settle (SdServerConfig *config);

/* sd-server.c: handing things to the caller's main context */
void _sd_server_queue (SdServer *self,
                       Item     *item);
void _sd_server_queue_event (SdServer      *self,
                             guint          id,
                             const SdEvent *event);
void _sd_server_schedule_flush_locked (SdServer *self);
void _sd_server_release_slot_locked (SdServer   *self,
                                     const char *ip);

/* sd-server-session.c */
void _sd_server_run_session (gpointer data,
                             gpointer user_data);
void _sd_server_emit (Session     *s,
                      SdDirection  direction,
                      gboolean     redacted,
                      const char  *text);
void _sd_server_emitf (Session     *s,
                       SdDirection  direction,
                       const char  *format,
                       ...) G_GNUC_PRINTF (3, 4);
void _sd_server_set_end (Session    *s,
                         const char *reason);
gboolean _sd_server_flush_replies (Session *s);
Step _sd_server_reply (Session    *s,
                       const char *lines);
Step _sd_server_replyf (Session    *s,
                        const char *format,
                        ...) G_GNUC_PRINTF (2, 3);
Step _sd_server_close_with (Session    *s,
                            const char *lines,
                            const char *reason);
gboolean _sd_server_fill (Session *s);
LineResult _sd_server_read_line (Session  *s,
                                 char    **line,
                                 gsize    *length);
void _sd_server_reset_transaction (Session *s);
gboolean _sd_server_auth_available (Session *s);
gboolean _sd_server_starttls_available (Session *s);
const char *_sd_server_auth_offered (Session *s);

/* sd-server-commands.c */
Step _sd_server_do_ehlo (Session    *s,
                         const char *verb,
                         const char *args);
Step _sd_server_start_tls (Session *s);
Step _sd_server_do_starttls (Session    *s,
                             const char *args);
Step _sd_server_do_mail (Session    *s,
                         const char *line);
Step _sd_server_do_rcpt (Session    *s,
                         const char *line);
Step _sd_server_do_data (Session    *s,
                         const char *args);

/* sd-server-fault.c */
gboolean _sd_server_apply_fault (Session      *s,
                                 SdFaultStage  stage,
                                 Step         *step);
/* sd-server-session.c: a connector's template with %h %c %i %d %r filled in */
char *_sd_server_expand (Session    *s,
                         const char *template,
                         const char *recipient);

/* sd-server-auth.c */
typedef enum {
  AUTH_OK,
  AUTH_BAD,        /* 535 */
  AUTH_ANSWERED,   /* cancelled or malformed: a 501 went out already */
  AUTH_ENDED,      /* the connection went */
} AuthOutcome;

Step _sd_server_do_auth (Session    *s,
                         const char *args);
/* Sends "334 <base64 @challenge>" and reads the decoded answer (shown by the caller). */
AuthOutcome _sd_server_auth_exchange (Session  *s,
                                      GBytes   *challenge,
                                      GBytes  **answer);
GBytes     *_sd_server_auth_decode   (const char *text,
                                      gboolean    initial);

/* sd-server-gssapi.c (MIT krb5 builds) */
gboolean    _sd_server_gssapi_offered (Session    *s);
AuthOutcome _sd_server_auth_gssapi    (Session    *s,
                                       const char *initial);

G_END_DECLS
