/* sd-profile.h: named settings, kept in a GKeyFile under the user's config dir
 *
 * Secrets never go into the file: a profile only says whether its password is kept in
 * the OS secret store (sd-secret-store.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "sd-settings.h"

G_BEGIN_DECLS

#define SD_PROFILE_FORMAT_VERSION 1

#define SD_PROFILE_ERROR (sd_profile_error_quark ())
GQuark sd_profile_error_quark (void);

typedef enum {
  SD_PROFILE_ERROR_NOT_FOUND,
  SD_PROFILE_ERROR_EXISTS,
  SD_PROFILE_ERROR_INVALID_NAME,
  SD_PROFILE_ERROR_CORRUPT,        /* the file was unreadable; it was renamed aside */
  SD_PROFILE_ERROR_NEWER_FORMAT,   /* written by a newer version: read, never overwritten */
  SD_PROFILE_ERROR_IO,
} SdProfileError;

typedef struct {
  char       *name;
  SdSettings *settings;           /* password always NULL here */
  gboolean    remember_password;
  char       *note;               /* presets say what to know, e.g. "needs SMTP AUTH enabled" */
} SdProfile;

SdProfile *sd_profile_new   (const char       *name,
                             const SdSettings *settings);
SdProfile *sd_profile_copy  (const SdProfile  *profile);
void       sd_profile_free  (SdProfile        *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdProfile, sd_profile_free)

typedef struct _SdProfileStore SdProfileStore;

/* The store at g_get_user_config_dir()/smtp-doctor/profiles.ini (@path NULL), or at @path. */
SdProfileStore *sd_profile_store_new      (const char      *path);
void            sd_profile_store_free     (SdProfileStore  *self);
const char     *sd_profile_store_get_path (SdProfileStore  *self);
/* Reads the file. A missing file is an empty store. A corrupt one is renamed aside
 * (".corrupt-<time>"), the store starts empty, and the error says where it went. */
gboolean        sd_profile_store_load     (SdProfileStore  *self,
                                           GError         **error);
/* TRUE when the file came from a newer format version: readable, never overwritten. */
gboolean        sd_profile_store_is_read_only (SdProfileStore *self);
/* Writes atomically, mode 0600. Refuses when the file came from a newer format. */
gboolean        sd_profile_store_save     (SdProfileStore  *self,
                                           GError         **error);
/* (element-type SdProfile) (transfer none), in the order they were added */
GPtrArray      *sd_profile_store_list     (SdProfileStore  *self);
/* (transfer none) or NULL */
SdProfile      *sd_profile_store_lookup   (SdProfileStore  *self,
                                           const char      *name);
/* Adds or replaces (copies @profile). */
gboolean        sd_profile_store_put      (SdProfileStore  *self,
                                           const SdProfile *profile,
                                           GError         **error);
gboolean        sd_profile_store_remove   (SdProfileStore  *self,
                                           const char      *name,
                                           GError         **error);
gboolean        sd_profile_store_rename   (SdProfileStore  *self,
                                           const char      *old_name,
                                           const char      *new_name,
                                           GError         **error);
const char     *sd_profile_store_get_last_used (SdProfileStore *self);
void            sd_profile_store_set_last_used (SdProfileStore *self,
                                                const char     *name);

/* A file of profiles to hand to a colleague: the same format, never a secret, every
 * remember_password cleared. */
gboolean        sd_profile_store_export   (SdProfileStore  *self,
                                           const char      *file,
                                           GError         **error);
/* Adds the profiles in @file; names that exist get " (2)", " (3)"... Returns how many. */
gint            sd_profile_store_import   (SdProfileStore  *self,
                                           const char      *file,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdProfileStore, sd_profile_store_free)

G_END_DECLS
