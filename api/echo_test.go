package api

import "github.com/labstack/echo/v4"

// Echo returns the Echo instance (route listing in tests).
func (s *Server) Echo() *echo.Echo { return s.e }
