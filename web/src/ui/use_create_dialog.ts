// Open / closed state of a list's create dialog.
import { useState } from 'preact/hooks';
import { toast } from './widgets';

export interface CreateDialog {
  open: boolean;
  show: () => void;
  close: () => void;
  /** Closes the dialog, confirms with a toast and runs the hook's `then` (a reload). */
  created: (text: string) => void;
}

export function useCreateDialog(then?: () => unknown): CreateDialog {
  const [open, setOpen] = useState(false);
  return {
    open,
    show: () => setOpen(true),
    close: () => setOpen(false),
    created: (text) => {
      setOpen(false);
      toast(text);
      void then?.();
    },
  };
}
