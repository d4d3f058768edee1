/* tala-report-window.c
 *
 * Copyright 2026 The Tala authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The report is read on a worker (tala_report_load_async()); the window
 * shows its totals, draws its chart in a GtkDrawingArea with the same
 * function the printed page uses, and lists its payments in a
 * GtkColumnView whose columns are made here from the item's properties.
 */

#define G_LOG_DOMAIN "tala-report-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tala-receipt.h"
#include "tala-report-window.h"

struct _TalaReportWindow
{
  AdwWindow        parent_instance;

  /* Template widgets */
  AdwWindowTitle  *title;
  GtkEntry        *date_entry;
  GtkLabel        *summary_label;
  GtkLabel        *totals_label;
  GtkLabel        *corrections_label;
  GtkDrawingArea  *chart;
  GtkColumnView   *payments_view;

  /* Owned */
  TalaSession     *session;
  TalaReport      *report;        /* nullable */
  GtkNoSelection  *selection;
  GCancellable    *cancellable;   /* of the load in progress */
  gboolean         loading;
};

G_DEFINE_FINAL_TYPE (TalaReportWindow, tala_report_window, ADW_TYPE_WINDOW)

static const struct {
  const char *property;
  const char *title;
  gboolean    expand;
} columns[] = {
  { "receipt", N_("Receipt"), FALSE },
  { "time", N_("Time"), FALSE },
  { "student", N_("Student"), FALSE },
  { "name", N_("Name"), TRUE },
  { "amount", N_("Amount"), FALSE },
  { "method", N_("Method"), FALSE },
  { "reference", N_("Reference"), FALSE },
  { "cashier", N_("Cashier"), FALSE },
  { "status", N_("Status"), FALSE },
};

static void
show_report (TalaReportWindow *self)
{
  TalaReport *r = self->report;
  const char *const *methods = tala_report_get_methods (r);
  g_autoptr(GString) totals = g_string_new (NULL);
  g_autofree char *collected = NULL;
  g_autofree char *net = NULL;
  g_autofree char *decimal = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *corrections = tala_report_dup_corrections (r);
  guint n = g_list_model_get_n_items (tala_report_get_payments (r));

  decimal = tala_money_format (tala_report_get_total_collected (r));
  collected = tala_format_pesos (decimal);
  g_free (decimal);
  decimal = tala_money_format (tala_report_get_net_total (r));
  net = tala_format_pesos (decimal);
  summary = g_strdup_printf (ngettext ("%u payment · collected %s · net %s",
                                       "%u payments · collected %s · net %s", n),
                             n, collected, net);
  for (guint i = 0; methods[i] != NULL; i++)
    {
      g_autofree char *m_decimal = tala_money_format (tala_report_get_method_total (r, methods[i]));
      g_autofree char *m_pesos = tala_format_pesos (m_decimal);
      guint count = tala_report_get_method_count (r, methods[i]);

      if (totals->len > 0)
        g_string_append_c (totals, '\n');
      g_string_append_printf (totals, ngettext ("%s: %s (%u payment)", "%s: %s (%u payments)",
                                                count),
                              methods[i], m_pesos, count);
    }
  /* Translators: the report window's subtitle: "2026-11-26 · terminal C01". */
  subtitle = g_strdup_printf (_("%s · terminal %s"), tala_report_get_date (r),
                              tala_report_get_terminal (r));
  adw_window_title_set_subtitle (self->title, subtitle);
  gtk_label_set_label (self->summary_label, summary);
  gtk_label_set_label (self->totals_label, totals->str);
  gtk_label_set_label (self->corrections_label, corrections);
  gtk_widget_set_visible (GTK_WIDGET (self->corrections_label), corrections[0] != '\0');
  gtk_no_selection_set_model (self->selection, tala_report_get_payments (r));
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TalaReportWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TalaReport *report = tala_report_load_finish (TALA_SESSION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (report == NULL)
    {
      gtk_label_set_label (self->summary_label,
                           g_error_matches (error, TALA_LEDGER_ERROR, TALA_LEDGER_ERROR_INVALID)
                           ? _("Type the date like 2026-06-30.") : error->message);
      return;
    }
  g_clear_object (&self->report);
  self->report = report;
  show_report (self);
}

void
tala_report_window_set_date (TalaReportWindow *self,
                             const char       *date)
{
  g_return_if_fail (TALA_IS_REPORT_WINDOW (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  if (date != NULL &&
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->date_entry)), date) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->date_entry), date);
  gtk_label_set_label (self->summary_label, _("Loading…"));
  tala_report_load_async (self->session, date, self->cancellable, load_done_cb,
                          g_object_ref (self));
}

static void
date_activate_cb (TalaReportWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->date_entry));
  g_autofree char *date = g_strstrip (g_strdup (text));

  tala_report_window_set_date (self, date);
}

static void
reload_action (GtkWidget  *widget,
               const char *name G_GNUC_UNUSED,
               GVariant   *param G_GNUC_UNUSED)
{
  date_activate_cb (TALA_REPORT_WINDOW (widget));
}

static void
draw_chart_cb (GtkDrawingArea *area G_GNUC_UNUSED,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  TalaReportWindow *self = user_data;

  if (self->report != NULL)
    tala_report_draw_chart (self->report, cr, width - 24.0, height - 16.0 > 0 ? height - 16.0 : 0);
}

/* ---- Printing and saving ------------------------------------------------- */

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                TalaReport        *report)
{
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);

  gtk_print_operation_set_n_pages (operation, tala_report_count_pages (report, width, height));
}

static void
draw_page_cb (GtkPrintOperation *operation G_GNUC_UNUSED,
              GtkPrintContext   *context,
              int                page,
              TalaReport        *report)
{
  tala_report_draw_page (report, gtk_print_context_get_cairo_context (context),
                         gtk_print_context_get_width (context),
                         gtk_print_context_get_height (context), page);
}

static void
unref_closure_notify (gpointer  data,
                      GClosure *closure G_GNUC_UNUSED)
{
  g_object_unref (data);
}

static void
show_error (TalaReportWindow *self,
            const char       *heading,
            const char       *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkPrintOperation *
report_operation (TalaReport *report)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();

  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, _("Collections Report"));
  g_signal_connect_data (operation, "begin-print", G_CALLBACK (begin_print_cb),
                         g_object_ref (report), unref_closure_notify, 0);
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (draw_page_cb),
                         g_object_ref (report), unref_closure_notify, 0);
  return operation;
}

static void
print_action (GtkWidget  *widget,
              const char *name G_GNUC_UNUSED,
              GVariant   *param G_GNUC_UNUSED)
{
  TalaReportWindow *self = TALA_REPORT_WINDOW (widget);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;

  if (self->report == NULL)
    return;
  operation = report_operation (self->report);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (self), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    show_error (self, _("Cannot Print the Report"), error->message);
}

gboolean
tala_report_print_to_file (TalaReport  *report,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = report_operation (report);

  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL,
                                  error) != GTK_PRINT_OPERATION_RESULT_ERROR;
}

typedef struct
{
  TalaReportWindow *self;
  TalaReport       *report;
  gboolean          csv;
} SaveData;

static void
save_data_free (gpointer  data,
                GClosure *closure G_GNUC_UNUSED)
{
  SaveData *d = data;

  g_object_unref (d->self);
  g_object_unref (d->report);
  g_free (d);
}

static void
save_response_cb (GtkNativeDialog *native,
                  int              response,
                  SaveData        *d)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean ok;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      path = file ? g_file_get_path (file) : NULL;
      if (path == NULL)
        show_error (d->self, _("Cannot Save the Report"), _("Choose a folder on this computer."));
      else
        {
          ok = d->csv ? tala_report_save_csv (d->report, path, &error)
                      : tala_report_save_pdf (d->report, path, &error);
          if (!ok)
            show_error (d->self, _("Cannot Save the Report"), error->message);
        }
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
save_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param G_GNUC_UNUSED)
{
  TalaReportWindow *self = TALA_REPORT_WINDOW (widget);
  gboolean csv = g_str_equal (name, "report.save-csv");
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *file_name = NULL;
  GtkFileChooserNative *native;
  SaveData *d;

  if (self->report == NULL)
    return;
  file_name = g_strdup_printf ("collections-%s-%s.%s", tala_report_get_terminal (self->report),
                               tala_report_get_date (self->report), csv ? "csv" : "pdf");
  native = gtk_file_chooser_native_new (csv ? _("Save Report as CSV") : _("Save Report as PDF"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, csv ? _("CSV files") : _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, csv ? "text/csv" : "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), file_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  d = g_new0 (SaveData, 1);
  d->self = g_object_ref (self);
  d->report = g_object_ref (self->report);
  d->csv = csv;
  g_signal_connect_data (native, "response", G_CALLBACK (save_response_cb), d,
                         save_data_free, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* ---- GObject ------------------------------------------------------------- */

TalaReportWindow *
tala_report_window_new (GtkWindow   *parent,
                        TalaSession *session)
{
  TalaReportWindow *self = g_object_new (TALA_TYPE_REPORT_WINDOW,
                                         "transient-for", parent,
                                         "application", parent ? gtk_window_get_application (parent)
                                                               : NULL,
                                         NULL);

  self->session = g_object_ref (session);
  tala_report_window_set_date (self, NULL);
  return self;
}

TalaReport *
tala_report_window_get_report (TalaReportWindow *self)
{
  return self->report;
}

gboolean
tala_report_window_get_loading (TalaReportWindow *self)
{
  return self->loading;
}

static void
tala_report_window_dispose (GObject *object)
{
  TalaReportWindow *self = TALA_REPORT_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TALA_TYPE_REPORT_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->report);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tala_report_window_parent_class)->dispose (object);
}

static void
tala_report_window_class_init (TalaReportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tala_report_window_dispose;

  g_type_ensure (TALA_TYPE_REPORT_PAYMENT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/tala/Tala/ui/tala-report-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TalaReportWindow, title);
  gtk_widget_class_bind_template_child (widget_class, TalaReportWindow, date_entry);
  gtk_widget_class_bind_template_child (widget_class, TalaReportWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TalaReportWindow, totals_label);
  gtk_widget_class_bind_template_child (widget_class, TalaReportWindow, corrections_label);
  gtk_widget_class_bind_template_child (widget_class, TalaReportWindow, chart);
  gtk_widget_class_bind_template_child (widget_class, TalaReportWindow, payments_view);
  gtk_widget_class_bind_template_callback (widget_class, date_activate_cb);
  gtk_widget_class_install_action (widget_class, "report.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "report.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "report.save-pdf", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "report.save-csv", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "report.print", NULL);
}

static void
tala_report_window_init (TalaReportWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->selection = gtk_no_selection_new (NULL);
  gtk_column_view_set_model (self->payments_view, GTK_SELECTION_MODEL (self->selection));
  gtk_drawing_area_set_draw_func (self->chart, draw_chart_cb, self, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *xml = g_strdup_printf (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><interface>"
        "<template class=\"GtkListItem\"><property name=\"child\">"
        "<object class=\"GtkLabel\"><property name=\"xalign\">0</property>"
        "<property name=\"ellipsize\">end</property>"
        "<binding name=\"label\"><lookup name=\"%s\" type=\"TalaReportPayment\">"
        "<lookup name=\"item\">GtkListItem</lookup></lookup></binding>"
        "</object></property></template></interface>", columns[i].property);
      gsize length = strlen (xml);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&xml), length);
      GtkListItemFactory *factory = gtk_builder_list_item_factory_new_from_bytes (NULL, bytes);
      g_autoptr(GtkColumnViewColumn) column = gtk_column_view_column_new (_(columns[i].title),
                                                                           factory);

      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->payments_view, column);
    }
}
