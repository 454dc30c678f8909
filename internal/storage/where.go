package storage

import (
	"context"
	"strconv"
	"strings"
)

// where builds the WHERE clause of a list query from optional filters,
// numbering the placeholders ($1, $2, …) in the order values are given.
type where struct {
	conds []string
	args  []any
}

// arg adds a value and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add adds a condition; every "?" in cond is replaced by the placeholder
// of the next value of vs, in order.
func (w *where) add(cond string, vs ...any) {
	for _, v := range vs {
		cond = strings.Replace(cond, "?", w.arg(v), 1)
	}
	w.conds = append(w.conds, cond)
}

// prefix adds "col LIKE prefix%", escaping the pattern characters.
func (w *where) prefix(col, prefix string) {
	w.conds = append(w.conds, col+" LIKE "+w.arg(escapeLike(prefix)+"%")+` ESCAPE '\'`)
}

// clause returns " WHERE …", or "" when there is no condition.
func (w *where) clause() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// page returns a page of a list newest first: the rows of query (a
// SELECT without WHERE) that w selects, by descending id, at most limit,
// each read by scan.
func page[T any](ctx context.Context, q querier, query string, w *where, limit int, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, query+w.clause()+" ORDER BY id DESC LIMIT "+w.arg(limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
