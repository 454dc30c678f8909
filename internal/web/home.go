package web

import "net/http"

type homePage struct {
	page
	DemoNotes []string
}

// home handles GET /: what the system is and where to go.
func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "home", homePage{page: s.newPage(w, r, "Home", "home"), DemoNotes: s.demoNotes})
	return nil
}
