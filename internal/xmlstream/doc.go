// Package xmlstream is the streaming machinery the Coretax bulk XML readers
// and writers share (e-Faktur's TaxInvoiceBulk, e-Bupot's seven bulk
// formats): a token reader over encoding/xml that gives the line and column
// of every token while holding memory bounded by the decoder's read-ahead,
// and for a document already in memory a scanner that reads it in place
// with encoding/xml's tokens, positions and errors (it hands the document
// to encoding/xml at anything it does not cover); the classification of a
// file that is not XML, the element-order check of a sequence of
// children, and a writer of indented leaf elements that keeps its first
// error. It knows no format: element names, rules and messages belong to
// the callers. It imports only the standard library.
package xmlstream
