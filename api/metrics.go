package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/hwledger/hwledger/ledger"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus series:
//
//	hwledger_http_requests_total{method,route,status}        counter
//	hwledger_http_request_duration_seconds{method,route}     histogram
//	hwledger_http_in_flight_requests                          gauge
//	hwledger_ledger_size                                      gauge (events)
//	hwledger_open_alerts                                      gauge
//	hwledger_read_only                                        gauge (1 after an integrity fault)
//	hwledger_ledger_commit_events                             histogram (events per durable commit;
//	                                                          fed by CommitSizes, see serve)
//
// route is the Echo route pattern (e.g. /api/v1/wastes/:id), never the raw
// path, so the label set stays bounded.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newMetrics(reg *prometheus.Registry, svc *ledger.Service) (*metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hwledger_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hwledger_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hwledger_http_in_flight_requests", Help: "Requests being served.",
		}),
	}
	size := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hwledger_ledger_size", Help: "Events in the ledger.",
	}, func() float64 { return float64(svc.Log().Size()) })
	open := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hwledger_open_alerts", Help: "Alerts with status open.",
	}, func() float64 {
		n, err := svc.OpenAlertCount()
		if err != nil {
			return -1
		}
		return float64(n)
	})
	readOnly := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hwledger_read_only", Help: "1 while the ledger refuses writes after an integrity fault (see /healthz), else 0.",
	}, func() float64 {
		if _, ro := svc.ReadOnly(); ro {
			return 1
		}
		return 0
	})
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.inFlight, size, open, readOnly, CommitSizes} {
		if err := reg.Register(c); err != nil {
			var dup prometheus.AlreadyRegisteredError
			if c == CommitSizes && errors.As(err, &dup) {
				continue // several servers in one process (tests) share it
			}
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// CommitSizes is the histogram of events per durable ledger commit (the
// group-commit batch size). Pass its Observe method as ledger.Config.OnCommit;
// the server registers it with its other metrics.
var CommitSizes = prometheus.NewHistogram(prometheus.HistogramOpts{
	Name:    "hwledger_ledger_commit_events",
	Help:    "Events per durable ledger commit (group-commit batch size).",
	Buckets: prometheus.ExponentialBuckets(1, 2, 11),
})

// observe is the outermost middleware: it maps errors to answers (so the
// status is known), logs one line per request and records the metrics.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()
		if err := next(c); err != nil {
			c.Error(err)
		}
		d := time.Since(start)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		r := c.Request()
		s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(status)).Inc()
		s.metrics.latency.WithLabelValues(r.Method, route).Observe(d.Seconds())
		attrs := []any{"method", r.Method, "path", r.URL.Path, "route", route, "status", status,
			"duration_ms", float64(d.Microseconds()) / 1000, "bytes", c.Response().Size,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "remote", c.RealIP()}
		if p := principal(c); p.Party != "" {
			attrs = append(attrs, "party", p.Party)
		}
		if code, ok := c.Get(ctxErrCode).(string); ok {
			attrs = append(attrs, "error_code", code)
		}
		s.log.Info("http request", attrs...)
		return nil
	}
}
