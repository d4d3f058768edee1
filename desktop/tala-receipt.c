/* tala-receipt.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The receipt is laid out with Pango on whatever cairo_t it is given: a
 * print context's, a PDF surface's, or a recording surface's when only its
 * height is wanted.  Its data is a JSON object (tala_receipt_new()), so
 * that a receipt can be drawn again later from what was recorded.
 */

#define G_LOG_DOMAIN "tala-receipt"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "tala-ledger.h"
#include "tala-receipt.h"

#define MARGIN 12.0

char *
tala_format_pesos (const char *decimal)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *digits = NULL;
  gint64 centavos;
  gboolean negative;
  gsize n, lead;

  if (decimal == NULL ||
      (!tala_money_parse (decimal, TALA_MONEY_NON_NEGATIVE, &centavos, NULL) &&
       !tala_money_parse (decimal, TALA_MONEY_SIGNED, &centavos, NULL)))
    return g_strdup ("");
  negative = centavos < 0;
  digits = g_strdup_printf ("%" G_GINT64_FORMAT, negative ? -centavos / 100 : centavos / 100);
  n = strlen (digits);
  lead = n % 3 == 0 ? 3 : n % 3;
  if (negative)
    g_string_append_c (out, '-');
  g_string_append (out, "₱");
  g_string_append_len (out, digits, (gssize) lead);
  for (gsize i = lead; i < n; i += 3)
    {
      g_string_append_c (out, ',');
      g_string_append_len (out, digits + i, 3);
    }
  g_string_append_printf (out, ".%02d", (int) ((negative ? -centavos : centavos) % 100));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *
str_or (JsonObject *object,
        const char *member,
        const char *fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

JsonObject *
tala_receipt_new (JsonObject *result,
                  const char *student_name,
                  const char *cashier,
                  const char *school,
                  GDateTime  *when,
                  gboolean    provisional)
{
  JsonObject *receipt = json_object_new ();
  JsonArray *allocation = json_array_new ();
  JsonArray *source = json_object_has_member (result, "allocation")
                      ? json_object_get_array_member (result, "allocation") : NULL;
  g_autofree char *time = g_date_time_format (when, "%Y-%m-%d %H:%M");

  json_object_set_string_member (receipt, "school", school ? school : "");
  json_object_set_string_member (receipt, "receipt_no", str_or (result, "receipt_no", ""));
  json_object_set_string_member (receipt, "payment_id", str_or (result, "payment_id", ""));
  json_object_set_string_member (receipt, "time", time);
  json_object_set_string_member (receipt, "student", str_or (result, "student", ""));
  json_object_set_string_member (receipt, "student_name", student_name ? student_name : "");
  json_object_set_string_member (receipt, "amount", str_or (result, "amount", "0.00"));
  json_object_set_string_member (receipt, "method", str_or (result, "method", ""));
  json_object_set_string_member (receipt, "reference_number",
                                 str_or (result, "reference_number", ""));
  json_object_set_string_member (receipt, "semester", str_or (result, "semester", ""));
  json_object_set_string_member (receipt, "credit_added", str_or (result, "credit_added", "0.00"));
  json_object_set_string_member (receipt, "cashier", cashier ? cashier : "");
  json_object_set_boolean_member (receipt, "provisional", provisional);
  for (guint i = 0; source != NULL && i < json_array_get_length (source); i++)
    {
      JsonObject *a = json_array_get_object_element (source, i);
      JsonObject *copy = json_object_new ();
      gint64 month = json_object_get_int_member_with_default (a, "month", 0);
      gboolean paid = json_object_get_boolean_member_with_default (a, "is_paid", FALSE);

      json_object_set_int_member (copy, "month", month);
      json_object_set_string_member (copy, "applied", str_or (a, "applied", "0.00"));
      json_object_set_boolean_member (copy, "is_paid", paid);
      json_array_add_object_element (allocation, copy);
    }
  json_object_set_array_member (receipt, "allocation", allocation);
  return receipt;
}

/* ---- Drawing ------------------------------------------------------------- */

typedef struct
{
  cairo_t *cr;
  double   width;   /* of the text column */
  double   y;
} Pen;

/* One paragraph; @align the Pango alignment. */
static void
pen_text (Pen            *pen,
          const char     *text,
          const char     *font,
          PangoAlignment  align)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (pen->cr);
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);
  int w, h;

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (pen->width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (pen->cr, MARGIN, pen->y);
  pango_cairo_show_layout (pen->cr, layout);
  pango_layout_get_size (layout, &w, &h);
  pen->y += (double) h / PANGO_SCALE;
}

/* A label on the left and its value on the right, on one line. */
static void
pen_pair (Pen        *pen,
          const char *label,
          const char *value,
          gboolean    bold)
{
  const char *font = bold ? "Sans Bold 9" : "Sans 9";
  g_autoptr(PangoLayout) left = pango_cairo_create_layout (pen->cr);
  g_autoptr(PangoLayout) right = pango_cairo_create_layout (pen->cr);
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);
  int lw, lh, rw, rh;
  double value_width = pen->width * 0.62;

  pango_layout_set_font_description (left, desc);
  pango_layout_set_font_description (right, desc);
  pango_layout_set_width (left, (int) ((pen->width - value_width) * PANGO_SCALE));
  pango_layout_set_width (right, (int) (value_width * PANGO_SCALE));
  pango_layout_set_wrap (right, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (right, PANGO_ALIGN_RIGHT);
  pango_layout_set_text (left, label, -1);
  pango_layout_set_text (right, value, -1);
  cairo_move_to (pen->cr, MARGIN, pen->y);
  pango_cairo_show_layout (pen->cr, left);
  cairo_move_to (pen->cr, MARGIN + pen->width - value_width, pen->y);
  pango_cairo_show_layout (pen->cr, right);
  pango_layout_get_size (left, &lw, &lh);
  pango_layout_get_size (right, &rw, &rh);
  pen->y += (double) MAX (lh, rh) / PANGO_SCALE + 1.0;
}

static void
pen_rule (Pen *pen)
{
  pen->y += 4.0;
  cairo_save (pen->cr);
  cairo_set_line_width (pen->cr, 0.6);
  cairo_set_dash (pen->cr, (double[]) { 2.0, 2.0 }, 2, 0.0);
  cairo_move_to (pen->cr, MARGIN, pen->y);
  cairo_line_to (pen->cr, MARGIN + pen->width, pen->y);
  cairo_stroke (pen->cr);
  cairo_restore (pen->cr);
  pen->y += 4.0;
}

static double
draw_on (JsonObject *receipt,
         cairo_t    *cr,
         double      width)
{
  JsonArray *allocation = json_object_get_array_member (receipt, "allocation");
  const char *reference = str_or (receipt, "reference_number", "");
  const char *school = str_or (receipt, "school", "");
  g_autofree char *amount = tala_format_pesos (str_or (receipt, "amount", NULL));
  g_autofree char *credit = tala_format_pesos (str_or (receipt, "credit_added", NULL));
  Pen pen = { cr, width - 2 * MARGIN, MARGIN };

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (school[0] != '\0')
    pen_text (&pen, school, "Sans Bold 11", PANGO_ALIGN_CENTER);
  /* Translators: the title printed on a payment receipt. */
  pen_text (&pen, _("Official Receipt"), "Sans Bold 10", PANGO_ALIGN_CENTER);
  pen_rule (&pen);
  pen_pair (&pen, _("Receipt No."), str_or (receipt, "receipt_no", ""), TRUE);
  pen_pair (&pen, _("Date"), str_or (receipt, "time", ""), FALSE);
  pen_pair (&pen, _("Student No."), str_or (receipt, "student", ""), FALSE);
  pen_pair (&pen, _("Name"), str_or (receipt, "student_name", ""), FALSE);
  if (str_or (receipt, "semester", "")[0] != '\0')
    pen_pair (&pen, _("Semester"), str_or (receipt, "semester", ""), FALSE);
  pen_rule (&pen);
  pen_pair (&pen, _("Amount"), amount, TRUE);
  pen_pair (&pen, _("Method"), str_or (receipt, "method", ""), FALSE);
  if (reference[0] != '\0')
    pen_pair (&pen, _("Reference"), reference, FALSE);
  pen_rule (&pen);
  pen_text (&pen, json_object_get_boolean_member_with_default (receipt, "provisional", FALSE)
                  /* Translators: the allocation may still change at the hub's sync. */
                  ? _("Applied to (provisional until synced)") : _("Applied to"),
            "Sans Bold 9", PANGO_ALIGN_LEFT);
  for (guint i = 0; allocation != NULL && i < json_array_get_length (allocation); i++)
    {
      JsonObject *a = json_array_get_object_element (allocation, i);
      g_autofree char *applied = tala_format_pesos (str_or (a, "applied", NULL));
      gboolean paid = json_object_get_boolean_member_with_default (a, "is_paid", FALSE);
      int month = (int) json_object_get_int_member_with_default (a, "month", 0);
      /* Translators: a receipt's allocation line: "Month 2 (paid)". */
      g_autofree char *label = g_strdup_printf (paid ? _("Month %d (paid)") : _("Month %d"),
                                                month);

      pen_pair (&pen, label, applied, FALSE);
    }
  if (g_strcmp0 (str_or (receipt, "credit_added", "0.00"), "0.00") != 0)
    pen_pair (&pen, _("Credit"), credit, FALSE);
  pen_rule (&pen);
  pen_pair (&pen, _("Cashier"), str_or (receipt, "cashier", ""), FALSE);
  pen.y += 6.0;
  pen_text (&pen, _("Keep this receipt."), "Sans Italic 8", PANGO_ALIGN_CENTER);
  cairo_restore (cr);
  return pen.y + MARGIN;
}

double
tala_receipt_draw (JsonObject *receipt,
                   cairo_t    *cr,
                   double      width)
{
  cairo_surface_t *surface;
  double height;

  g_return_val_if_fail (receipt != NULL, 0.0);

  if (cr != NULL)
    return draw_on (receipt, cr, width);
  surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cr = cairo_create (surface);
  height = draw_on (receipt, cr, width);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return height;
}

gboolean
tala_receipt_save_pdf (JsonObject  *receipt,
                       const char  *path,
                       GError     **error)
{
  double height = tala_receipt_draw (receipt, NULL, TALA_RECEIPT_WIDTH);
  g_autofree char *title = g_strdup_printf (_("Receipt %s"), str_or (receipt, "receipt_no", ""));
  cairo_surface_t *surface = cairo_pdf_surface_create (path, TALA_RECEIPT_WIDTH, height);
  cairo_status_t status;
  cairo_t *cr;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Tala");
  cr = cairo_create (surface);
  tala_receipt_draw (receipt, cr, TALA_RECEIPT_WIDTH);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot write the receipt to %s: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* ---- Printing and saving ------------------------------------------------- */

static void
draw_page_cb (GtkPrintOperation *operation G_GNUC_UNUSED,
              GtkPrintContext   *context,
              int                page_nr G_GNUC_UNUSED,
              JsonObject        *receipt)
{
  double width = MIN (gtk_print_context_get_width (context), TALA_RECEIPT_WIDTH * 1.4);

  tala_receipt_draw (receipt, gtk_print_context_get_cairo_context (context), width);
}

static void
receipt_closure_notify (gpointer  data,
                        GClosure *closure G_GNUC_UNUSED)
{
  json_object_unref (data);
}

static void
show_error (GtkWindow  *parent,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkPrintOperation *
receipt_operation (JsonObject *receipt)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autofree char *job = g_strdup_printf (_("Receipt %s"), str_or (receipt, "receipt_no", ""));

  gtk_print_operation_set_job_name (operation, job);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (draw_page_cb),
                         json_object_ref (receipt), receipt_closure_notify, 0);
  return operation;
}

void
tala_receipt_print (JsonObject *receipt,
                    GtkWindow  *parent)
{
  g_autoptr(GtkPrintOperation) operation = receipt_operation (receipt);
  g_autoptr(GError) error = NULL;

  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent,
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    show_error (parent, _("Cannot Print the Receipt"), error->message);
}

gboolean
tala_receipt_print_to_file (JsonObject  *receipt,
                            const char  *path,
                            GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = receipt_operation (receipt);

  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL,
                                  error) != GTK_PRINT_OPERATION_RESULT_ERROR;
}

static void
save_response_cb (GtkNativeDialog *native,
                  int              response,
                  JsonObject      *receipt)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GtkWindow *parent = gtk_native_dialog_get_transient_for (native);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      path = file ? g_file_get_path (file) : NULL;
      if (path == NULL)
        show_error (parent, _("Cannot Save the Receipt"), _("Choose a folder on this computer."));
      else if (!tala_receipt_save_pdf (receipt, path, &error))
        show_error (parent, _("Cannot Save the Receipt"), error->message);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

void
tala_receipt_save_as (JsonObject *receipt,
                      GtkWindow  *parent)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = g_strdup_printf ("%s.pdf", str_or (receipt, "receipt_no", "receipt"));

  native = gtk_file_chooser_native_new (_("Save Receipt"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_data (native, "response", G_CALLBACK (save_response_cb),
                         json_object_ref (receipt), receipt_closure_notify, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}
