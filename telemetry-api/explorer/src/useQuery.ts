// Runs a GraphQL query when its variables change; keeps the last data while reloading.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { AuthError, gql } from "./api";

export type QueryState<T> = { data: T | null; error: string | null; loading: boolean; reload: () => void };

export function useQuery<T>(query: string, variables: Record<string, unknown>, skip = false): QueryState<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: !skip });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(variables);
  const latest = useRef(0);
  useEffect(() => {
    if (skip) return;
    const run = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    gql<T>(query, variables).then(
      (data) => run === latest.current && setState({ data, error: null, loading: false }),
      (err: Error) => run === latest.current && setState((s) => ({ data: err instanceof AuthError ? null : s.data, error: err.message, loading: false })),
    );
  }, [query, key, tick, skip]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
