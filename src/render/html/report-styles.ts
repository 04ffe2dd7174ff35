import { SafeHtml } from './safe-html.js';

/** The report page's only styling: inline (the page loads nothing else), readable, printable. */
export const REPORT_STYLES = new SafeHtml(`
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0 auto; max-width: 980px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; } h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.state { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; font-size: .9em; }
.state-succeeded, .state-done { background: #e3f6e8; color: #17692f; } .state-failed { background: #fde7e7; color: #a11; }
.state-running, .state-queued { background: #e6f0fd; color: #1649a0; } .state-cancelled, .state-skipped { background: #eee; color: #555; }
.state-awaiting_approval, .state-pending { background: #fff4d6; color: #7a5800; }
.headline { font-size: 1.1em; margin: 12px 0; } .hint { color: #555; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #eee; }
pre { background: #f6f8fa; padding: 8px 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 4px 0; }
.error { color: #a11; } .muted { color: #777; } ul.checklist { list-style: none; padding-left: 0; }
.checklist-form button { font-size: .85em; margin-left: 6px; } .ticked-by { font-size: .9em; }
.placeholder { border: 1px dashed #bbb; padding: 8px 12px; color: #555; }
@media print { .state { border: 1px solid #999; } }
`);
