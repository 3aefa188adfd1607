// The text of a list's filter box (see ListHead), with its lower-cased form for matching.
import { useState } from 'preact/hooks';
import type { FilterProps } from './list_head';

export interface Filter extends FilterProps {
  /** The typed text, lower-cased; "" matches everything. */
  text: string;
}

export function useFilter(label: string): Filter {
  const [value, setValue] = useState('');
  return { label, value, onChange: setValue, text: value.toLowerCase() };
}
