/* tala-report-model.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The report keeps the ledger's JSON and derives the rest from it: the
 * payment items (string properties for the column view), the totals per
 * method in centavos, the CSV text and the printed pages.
 */

#define G_LOG_DOMAIN "tala-report"

#include "config.h"

#include <string.h>

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "tala-ledger-reports.h"
#include "tala-receipt.h"
#include "tala-report-model.h"

/* ---- TalaReportPayment --------------------------------------------------- */

enum {
  COL_RECEIPT,
  COL_TIME,
  COL_STUDENT,
  COL_NAME,
  COL_AMOUNT,
  COL_METHOD,
  COL_REFERENCE,
  COL_CASHIER,
  COL_STATUS,
  N_COLS
};

static const char *const payment_props[N_COLS] = {
  "receipt", "time", "student", "name", "amount", "method", "reference", "cashier", "status",
};

struct _TalaReportPayment
{
  GObject  parent_instance;
  char    *values[N_COLS];
  char    *amount;      /* "1500.00", for the CSV */
  char    *payment_id;
  gint64   centavos;
};

G_DEFINE_FINAL_TYPE (TalaReportPayment, tala_report_payment, G_TYPE_OBJECT)

static void
tala_report_payment_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TalaReportPayment *self = TALA_REPORT_PAYMENT (object);

  if (prop_id >= 1 && prop_id <= N_COLS)
    g_value_set_string (value, self->values[prop_id - 1]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tala_report_payment_finalize (GObject *object)
{
  TalaReportPayment *self = TALA_REPORT_PAYMENT (object);

  for (guint i = 0; i < N_COLS; i++)
    g_free (self->values[i]);
  g_free (self->amount);
  g_free (self->payment_id);
  G_OBJECT_CLASS (tala_report_payment_parent_class)->finalize (object);
}

static void
tala_report_payment_class_init (TalaReportPaymentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tala_report_payment_finalize;
  object_class->get_property = tala_report_payment_get_property;
  for (guint i = 0; i < N_COLS; i++)
    g_object_class_install_property (object_class, i + 1,
                                     g_param_spec_string (payment_props[i], NULL, NULL, NULL,
                                                          G_PARAM_READABLE |
                                                          G_PARAM_STATIC_STRINGS));
}

static void
tala_report_payment_init (TalaReportPayment *self G_GNUC_UNUSED)
{
}

static const char *
str (JsonObject *object,
     const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

/* The array @member, NULL when absent or not an array. */
static JsonArray *
arr (JsonObject *object,
     const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gint64
centavos_of (const char *decimal)
{
  gint64 c = 0;

  if (!tala_money_parse (decimal, TALA_MONEY_NON_NEGATIVE, &c, NULL) &&
      !tala_money_parse (decimal, TALA_MONEY_SIGNED, &c, NULL))
    return 0;
  return c;
}

/* "2026-11-26T01:02:03Z" → the local "09:02". */
static char *
local_time (const char *timestamp)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (timestamp, NULL);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%H:%M") : g_strdup (timestamp);
}

static TalaReportPayment *
payment_new (JsonObject *r)
{
  TalaReportPayment *self = g_object_new (TALA_TYPE_REPORT_PAYMENT, NULL);

  self->amount = g_strdup (str (r, "amount"));
  self->payment_id = g_strdup (str (r, "payment_id"));
  self->centavos = centavos_of (self->amount);
  self->values[COL_RECEIPT] = g_strdup (str (r, "receipt_no"));
  self->values[COL_TIME] = local_time (str (r, "time"));
  self->values[COL_STUDENT] = g_strdup (str (r, "student"));
  self->values[COL_NAME] = g_strdup (str (r, "student_name"));
  self->values[COL_AMOUNT] = tala_format_pesos (self->amount);
  self->values[COL_METHOD] = g_strdup (str (r, "method"));
  self->values[COL_REFERENCE] = g_strdup (str (r, "reference_number"));
  self->values[COL_CASHIER] = g_strdup (str (r, "cashier"));
  /* Translators: the status of a payment in the collections report. */
  self->values[COL_STATUS] = g_strdup (json_object_get_boolean_member_with_default (r, "voided",
                                                                                   FALSE)
                                       ? C_("payment", "Voided") : "");
  return self;
}

const char *
tala_report_payment_get_receipt (TalaReportPayment *self)
{
  return self->values[COL_RECEIPT];
}

const char *
tala_report_payment_get_payment_id (TalaReportPayment *self)
{
  return self->payment_id;
}

gint64
tala_report_payment_get_centavos (TalaReportPayment *self)
{
  return self->centavos;
}

/* ---- TalaReport ---------------------------------------------------------- */

typedef struct
{
  char   *method;
  guint   count;
  gint64  centavos;
} MethodTotal;

struct _TalaReport
{
  GObject     parent_instance;

  JsonObject *json;
  GListStore *payments;   /* of TalaReportPayment */
  GArray     *totals;     /* of MethodTotal */
  char      **methods;    /* the totals' methods */
};

G_DEFINE_FINAL_TYPE (TalaReport, tala_report, G_TYPE_OBJECT)

static void
method_total_clear (MethodTotal *m)
{
  g_free (m->method);
}

static void
tala_report_finalize (GObject *object)
{
  TalaReport *self = TALA_REPORT (object);

  g_clear_pointer (&self->json, json_object_unref);
  g_clear_object (&self->payments);
  g_clear_pointer (&self->totals, g_array_unref);
  g_strfreev (self->methods);
  G_OBJECT_CLASS (tala_report_parent_class)->finalize (object);
}

static void
tala_report_class_init (TalaReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tala_report_finalize;
}

static void
tala_report_init (TalaReport *self)
{
  self->payments = g_list_store_new (TALA_TYPE_REPORT_PAYMENT);
  self->totals = g_array_new (FALSE, TRUE, sizeof (MethodTotal));
  g_array_set_clear_func (self->totals, (GDestroyNotify) method_total_clear);
}

TalaReport *
tala_report_new_from_json (JsonObject *report)
{
  TalaReport *self = g_object_new (TALA_TYPE_REPORT, NULL);
  JsonArray *receipts = arr (report, "receipts");
  JsonArray *totals = arr (report, "totals_by_method");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GStrvBuilder) methods = g_strv_builder_new ();

  self->json = json_object_ref (report);
  for (guint i = 0; receipts != NULL && i < json_array_get_length (receipts); i++)
    g_ptr_array_add (items, payment_new (json_array_get_object_element (receipts, i)));
  g_list_store_splice (self->payments, 0, 0, items->pdata, items->len);
  for (guint i = 0; totals != NULL && i < json_array_get_length (totals); i++)
    {
      JsonObject *t = json_array_get_object_element (totals, i);
      MethodTotal m = { 0 };

      m.method = g_strdup (str (t, "method"));
      m.count = (guint) json_object_get_int_member_with_default (t, "count", 0);
      m.centavos = centavos_of (str (t, "amount"));
      g_array_append_val (self->totals, m);
      g_strv_builder_add (methods, m.method);
    }
  self->methods = g_strv_builder_end (methods);
  return self;
}

typedef struct
{
  char *date;
  char *terminal;
} ReadArgs;

static void
read_args_free (gpointer data)
{
  ReadArgs *a = data;

  g_free (a->date);
  g_free (a->terminal);
  g_free (a);
}

/* Worker thread: the ledger read itself. */
static JsonNode *
report_read (TalaLedger  *ledger,
             gpointer     data,
             GError     **error)
{
  ReadArgs *a = data;
  JsonObject *report = tala_ledger_collections_report (ledger, a->date, a->terminal,
                                                       g_get_real_time (), error);
  JsonNode *node;

  if (report == NULL)
    return NULL;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, report);
  return node;
}

void
tala_report_load_async (TalaSession         *session,
                        const char          *date,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  ReadArgs *a = g_new0 (ReadArgs, 1);

  g_return_if_fail (TALA_IS_SESSION (session));

  a->date = date != NULL && date[0] != '\0' ? g_strdup (date) : NULL;
  /* This terminal's payments only; a terminal not set up yet has none. */
  a->terminal = tala_store_dup_terminal (tala_session_get_store (session));
  if (a->terminal == NULL)
    a->terminal = g_strdup ("NONE");
  tala_session_read_async (session, report_read, a, read_args_free, cancellable,
                           callback, user_data);
}

TalaReport *
tala_report_load_finish (TalaSession   *session,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(JsonNode) node = tala_session_read_finish (session, result, error);

  if (node == NULL)
    return NULL;
  return tala_report_new_from_json (json_node_get_object (node));
}

const char *
tala_report_get_date (TalaReport *self)
{
  return str (self->json, "date");
}

const char *
tala_report_get_terminal (TalaReport *self)
{
  return str (self->json, "terminal");
}

GListModel *
tala_report_get_payments (TalaReport *self)
{
  return G_LIST_MODEL (self->payments);
}

const char *const *
tala_report_get_methods (TalaReport *self)
{
  return (const char *const *) self->methods;
}

static MethodTotal *
find_method (TalaReport *self,
             const char *method)
{
  for (guint i = 0; i < self->totals->len; i++)
    if (g_strcmp0 (g_array_index (self->totals, MethodTotal, i).method, method) == 0)
      return &g_array_index (self->totals, MethodTotal, i);
  return NULL;
}

gint64
tala_report_get_method_total (TalaReport *self,
                              const char *method)
{
  MethodTotal *m = find_method (self, method);

  return m ? m->centavos : 0;
}

guint
tala_report_get_method_count (TalaReport *self,
                              const char *method)
{
  MethodTotal *m = find_method (self, method);

  return m ? m->count : 0;
}

gint64
tala_report_get_total_collected (TalaReport *self)
{
  return centavos_of (str (self->json, "total_collected"));
}

gint64
tala_report_get_total_voided (TalaReport *self)
{
  return centavos_of (str (self->json, "total_voided"));
}

gint64
tala_report_get_total_adjusted (TalaReport *self)
{
  return centavos_of (str (self->json, "total_adjusted"));
}

static void
add_corrections (GString    *out,
                 JsonArray  *list,
                 const char *what)
{
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *c = json_array_get_object_element (list, i);
      g_autofree char *pesos = tala_format_pesos (str (c, "amount"));

      if (out->len > 0)
        g_string_append_c (out, '\n');
      /* Translators: "C01-000001 voided, -₱1,500.00, by cashier1: wrong student" */
      g_string_append_printf (out, _("%s %s, %s, by %s: %s"), str (c, "receipt_no"), what, pesos,
                              str (c, "by"), str (c, "reason"));
    }
}

char *
tala_report_dup_corrections (TalaReport *self)
{
  GString *out = g_string_new (NULL);

  add_corrections (out, arr (self->json, "voids"),
                   C_("report", "voided"));
  add_corrections (out, arr (self->json, "adjustments"),
                   C_("report", "adjusted"));
  return g_string_free (out, FALSE);
}

gint64
tala_report_get_net_total (TalaReport *self)
{
  return centavos_of (str (self->json, "net_total"));
}

/* ---- CSV ------------------------------------------------------------------ */

static void
csv_field (GString    *out,
           const char *value,
           gboolean    last)
{
  if (strpbrk (value, ",\"\r\n") != NULL)
    {
      g_string_append_c (out, '"');
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, value);
  g_string_append (out, last ? "\r\n" : ",");
}

char *
tala_report_to_csv (TalaReport *self)
{
  static const char *const header[] = {
    "receipt_no", "time", "student", "student_name", "amount", "method",
    "reference_number", "cashier", "voided",
  };
  JsonArray *receipts = arr (self->json, "receipts");
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    csv_field (out, header[i], i + 1 == G_N_ELEMENTS (header));
  for (guint i = 0; receipts != NULL && i < json_array_get_length (receipts); i++)
    {
      JsonObject *r = json_array_get_object_element (receipts, i);

      csv_field (out, str (r, "receipt_no"), FALSE);
      csv_field (out, str (r, "time"), FALSE);
      csv_field (out, str (r, "student"), FALSE);
      csv_field (out, str (r, "student_name"), FALSE);
      csv_field (out, str (r, "amount"), FALSE);
      csv_field (out, str (r, "method"), FALSE);
      csv_field (out, str (r, "reference_number"), FALSE);
      csv_field (out, str (r, "cashier"), FALSE);
      csv_field (out, json_object_get_boolean_member_with_default (r, "voided", FALSE)
                      ? "yes" : "no", TRUE);
    }
  return g_string_free (out, FALSE);
}

gboolean
tala_report_save_csv (TalaReport  *self,
                      const char  *path,
                      GError     **error)
{
  g_autofree char *csv = tala_report_to_csv (self);

  return g_file_set_contents (path, csv, -1, error);
}

/* ---- Drawing -------------------------------------------------------------- */

#define MARGIN 36.0
#define ROW 14.0
#define CHART_HEIGHT 170.0

static double
text_at (cairo_t    *cr,
         const char *text,
         const char *font,
         double      x,
         double      y,
         double      width,
         PangoAlignment align)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);
  int w, h;

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

void
tala_report_draw_chart (TalaReport *self,
                        cairo_t    *cr,
                        double      width,
                        double      height)
{
  static const double colors[][3] = {
    { 0.21, 0.52, 0.89 }, { 0.15, 0.64, 0.41 }, { 0.96, 0.76, 0.07 }, { 0.90, 0.38, 0.0 },
    { 0.57, 0.25, 0.67 }, { 0.75, 0.11, 0.16 }, { 0.39, 0.27, 0.18 },
  };
  gint64 max = 1;
  double label_h = 30.0, top = 8.0, slot, bar_w, x;
  guint n = self->totals->len;

  cairo_save (cr);
  for (guint i = 0; i < n; i++)
    max = MAX (max, g_array_index (self->totals, MethodTotal, i).centavos);
  if (n == 0)
    {
      cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
      text_at (cr, _("No payments on this date"), "Sans 10", 0, height / 2 - 8, width,
               PANGO_ALIGN_CENTER);
      cairo_restore (cr);
      return;
    }
  slot = width / n;
  bar_w = MIN (slot * 0.6, 90.0);
  /* The base line. */
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, 0, height - label_h + 0.5);
  cairo_line_to (cr, width, height - label_h + 0.5);
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      MethodTotal *m = &g_array_index (self->totals, MethodTotal, i);
      double h = (height - label_h - top - 14.0) * (double) m->centavos / (double) max;
      g_autofree char *decimal = tala_money_format (m->centavos);
      g_autofree char *pesos = tala_format_pesos (decimal);

      x = slot * i + (slot - bar_w) / 2;
      cairo_set_source_rgb (cr, colors[i % G_N_ELEMENTS (colors)][0],
                            colors[i % G_N_ELEMENTS (colors)][1],
                            colors[i % G_N_ELEMENTS (colors)][2]);
      cairo_rectangle (cr, x, height - label_h - h, bar_w, h);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      text_at (cr, pesos, "Sans 8", slot * i, height - label_h - h - 13.0, slot,
               PANGO_ALIGN_CENTER);
      text_at (cr, m->method, "Sans 8", slot * i, height - label_h + 4.0, slot,
               PANGO_ALIGN_CENTER);
    }
  cairo_restore (cr);
}

static const double col_x[] = { 0.0, 0.14, 0.22, 0.37, 0.62, 0.75, 0.86 };

static double
draw_row (cairo_t        *cr,
          const char     *const *cells,
          const char     *font,
          double          y,
          double          width)
{
  for (guint i = 0; i < G_N_ELEMENTS (col_x); i++)
    {
      double right = i + 1 < G_N_ELEMENTS (col_x) ? col_x[i + 1] : 1.0;

      text_at (cr, cells[i], font, MARGIN + col_x[i] * width, y,
               (right - col_x[i]) * width - 4.0, PANGO_ALIGN_LEFT);
    }
  return ROW;
}

/* Rows on the first page (below the title, totals and chart) and on the
 * others. */
static void
rows_per_page (TalaReport *self,
               double      height,
               int        *first,
               int        *other)
{
  JsonArray *voids = arr (self->json, "voids");
  JsonArray *adjustments = arr (self->json, "adjustments");
  guint corrections = (voids ? json_array_get_length (voids) : 0) +
                      (adjustments ? json_array_get_length (adjustments) : 0);
  double head = MARGIN + 60.0 + ROW * (self->totals->len + corrections + 2) + CHART_HEIGHT +
                2 * ROW;

  *first = MAX (1, (int) ((height - MARGIN - head) / ROW));
  *other = MAX (1, (int) ((height - 2 * MARGIN - ROW) / ROW));
}

int
tala_report_count_pages (TalaReport *self,
                         double      width G_GNUC_UNUSED,
                         double      height)
{
  int first, other, n = (int) g_list_model_get_n_items (G_LIST_MODEL (self->payments));

  rows_per_page (self, height, &first, &other);
  if (n <= first)
    return 1;
  return 1 + (n - first + other - 1) / other;
}

void
tala_report_draw_page (TalaReport *self,
                       cairo_t    *cr,
                       double      width,
                       double      height,
                       int         page)
{
  const char *const header[] = {
    _("Receipt"), _("Time"), _("Student"), _("Name"), _("Amount"), _("Method"), _("Reference"),
  };
  double inner = width - 2 * MARGIN, y = MARGIN;
  int first, other, from, to;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->payments));

  rows_per_page (self, height, &first, &other);
  from = page == 0 ? 0 : first + (page - 1) * other;
  to = page == 0 ? first : from + other;
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (page == 0)
    {
      g_autofree char *title = g_strdup_printf (_("Collections of %s, terminal %s"),
                                                tala_report_get_date (self),
                                                tala_report_get_terminal (self));
      g_autofree char *collected = tala_format_pesos (str (self->json, "total_collected"));
      g_autofree char *net = tala_format_pesos (str (self->json, "net_total"));
      g_autofree char *summary = g_strdup_printf (ngettext ("%u payment · collected %s · net %s",
                                                            "%u payments · collected %s · net %s",
                                                            n),
                                                  n, collected, net);
      g_autofree char *corrections = tala_report_dup_corrections (self);

      y += text_at (cr, title, "Sans Bold 14", MARGIN, y, inner, PANGO_ALIGN_LEFT) + 4.0;
      y += text_at (cr, summary, "Sans 10", MARGIN, y, inner, PANGO_ALIGN_LEFT) + 4.0;
      if (corrections[0] != '\0')
        y += text_at (cr, corrections, "Sans 8", MARGIN, y, inner, PANGO_ALIGN_LEFT);
      y += 6.0;
      y += text_at (cr, _("Totals by method"), "Sans Bold 10", MARGIN, y, inner,
                    PANGO_ALIGN_LEFT);
      for (guint i = 0; i < self->totals->len; i++)
        {
          MethodTotal *m = &g_array_index (self->totals, MethodTotal, i);
          g_autofree char *decimal = tala_money_format (m->centavos);
          g_autofree char *pesos = tala_format_pesos (decimal);
          g_autofree char *line = g_strdup_printf (ngettext ("%s: %s (%u payment)",
                                                             "%s: %s (%u payments)", m->count),
                                                   m->method, pesos, m->count);

          text_at (cr, line, "Sans 9", MARGIN + 12.0, y, inner, PANGO_ALIGN_LEFT);
          y += ROW;
        }
      y += ROW;
      cairo_save (cr);
      cairo_translate (cr, MARGIN, y);
      tala_report_draw_chart (self, cr, inner, CHART_HEIGHT);
      cairo_restore (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      y += CHART_HEIGHT + ROW;
    }
  y += draw_row (cr, header, "Sans Bold 8", y, inner);
  for (int i = from; i < to && i < (int) n; i++)
    {
      g_autoptr(TalaReportPayment) p = g_list_model_get_item (G_LIST_MODEL (self->payments),
                                                              (guint) i);
      g_autofree char *amount = g_strdup_printf ("%s%s", p->values[COL_AMOUNT],
                                                 p->values[COL_STATUS][0] ? " ✕" : "");
      const char *const cells[] = {
        p->values[COL_RECEIPT], p->values[COL_TIME], p->values[COL_STUDENT],
        p->values[COL_NAME], amount, p->values[COL_METHOD], p->values[COL_REFERENCE],
      };

      y += draw_row (cr, cells, "Sans 8", y, inner);
    }
  cairo_restore (cr);
}

gboolean
tala_report_save_pdf (TalaReport  *self,
                      const char  *path,
                      GError     **error)
{
  const double width = 595.28, height = 841.89;    /* A4 */
  cairo_surface_t *surface = cairo_pdf_surface_create (path, width, height);
  int pages = tala_report_count_pages (self, width, height);
  g_autofree char *title = g_strdup_printf (_("Collections of %s, terminal %s"),
                                            tala_report_get_date (self),
                                            tala_report_get_terminal (self));
  cairo_status_t status;
  cairo_t *cr;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cr = cairo_create (surface);
  for (int i = 0; i < pages; i++)
    {
      tala_report_draw_page (self, cr, width, height, i);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write %s: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
