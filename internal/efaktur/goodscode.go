package efaktur

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

// GoodsCode is an entry of DJP's list of goods and services codes (kode
// barang/jasa) that Coretax accepts in a GoodService line's Code. The list
// keeps goods (Opt A) and services (Opt B) apart: the same six digits can
// name a goods heading and a services group, and 000000 is the generic code
// of both kinds.
type GoodsCode struct {
	Code        string
	Kind        Kind
	Description string // DJP's wording, Indonesian, typos included
}

// GenericCode is the code of a line that names no particular goods or
// service; it is in the list for both kinds.
const GenericCode = "000000"

//go:embed data/goods_services.csv
var goodsServicesCSV string

var goodsCodes = mustParseGoodsCodes(goodsServicesCSV)

type goodsCodeTable struct {
	list  map[Kind][]GoodsCode
	index map[Kind]map[string]int
}

// LookupCode returns the entry for code in the list of kind (Goods or
// Services) and whether there is one.
func LookupCode(code string, kind Kind) (GoodsCode, bool) {
	i, ok := goodsCodes.index[kind][code]
	if !ok {
		return GoodsCode{}, false
	}
	return goodsCodes.list[kind][i], true
}

// Codes returns the list of kind (Goods or Services) in DJP's order, for
// forms that offer a choice. The slice is a copy.
func Codes(kind Kind) []GoodsCode {
	return append([]GoodsCode(nil), goodsCodes.list[kind]...)
}

// parseGoodsCodes reads the embedded list: lines starting with # are
// comments, then a header code,kind,description and one row per code with
// kind "goods" or "services".
func parseGoodsCodes(s string) (goodsCodeTable, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.Comment = '#'
	r.FieldsPerRecord = 3
	rows, err := r.ReadAll()
	if err != nil {
		return goodsCodeTable{}, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "code,kind,description" {
		return goodsCodeTable{}, fmt.Errorf("header must be code,kind,description")
	}
	t := goodsCodeTable{list: map[Kind][]GoodsCode{}, index: map[Kind]map[string]int{Goods: {}, Services: {}}}
	for n, row := range rows[1:] {
		var k Kind
		switch row[1] {
		case "goods":
			k = Goods
		case "services":
			k = Services
		default:
			return goodsCodeTable{}, fmt.Errorf("row %d: kind %q is not goods or services", n+2, row[1])
		}
		if !isDigits(row[0], 6) {
			return goodsCodeTable{}, fmt.Errorf("row %d: code %q is not 6 digits", n+2, row[0])
		}
		if _, dup := t.index[k][row[0]]; dup {
			return goodsCodeTable{}, fmt.Errorf("row %d: %s code %s is listed twice", n+2, row[1], row[0])
		}
		t.index[k][row[0]] = len(t.list[k])
		t.list[k] = append(t.list[k], GoodsCode{Code: row[0], Kind: k, Description: row[2]})
	}
	return t, nil
}

func mustParseGoodsCodes(s string) goodsCodeTable {
	t, err := parseGoodsCodes(s)
	if err != nil {
		panic("efaktur: data/goods_services.csv: " + err.Error())
	}
	return t
}
