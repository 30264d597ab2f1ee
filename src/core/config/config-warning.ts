/** A soft problem of a configuration: the keys involved and what they do together (see configWarnings). */
export interface ConfigWarning {
  keys: string[];
  message: string;
}
