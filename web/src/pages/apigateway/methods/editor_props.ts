// What the method view hands each of its editors.
import type { Method } from '../../../api/apigateway';

export interface MethodEditorProps {
  apiId: string;
  resourceId: string;
  verb: string;
  method: Method;
  /** After a save: the method view reloads the method and says what was saved. */
  onSaved: () => void;
}
