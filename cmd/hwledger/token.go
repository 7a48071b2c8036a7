package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/hwledger/hwledger/ledger"
)

func init() {
	register("token", "issue or revoke a bearer token offline (token create --party ID | token revoke --id ID)", cmdToken)
}

// cmdToken runs `token create --data DIR --party ID` and `token revoke
// --data DIR --id ID` with the server stopped: it opens the ledger directly
// and acts as its admin party. create prints the token id and the token
// (shown this once); both are recorded as ledger events by the admin.
func cmdToken(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		fmt.Fprintln(stderr, "usage: hwledger token create --data DIR --party ID\n       hwledger token revoke --data DIR --id ID")
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "./data", "data directory (the server must be stopped)")
	party := fs.String("party", "", "party id to issue the token for (create)")
	id := fs.String("id", "", "token id to revoke (revoke)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 || (sub == "create" && *party == "") || (sub == "revoke" && *id == "") {
		fmt.Fprintf(stderr, "token %s: missing or extra arguments\n", sub)
		fs.Usage()
		return 2
	}
	svc, err := openExisting(*dir, false)
	if err != nil {
		fmt.Fprintf(stderr, "token: %v\n", err)
		return 1
	}
	defer svc.Close()
	ctx := context.Background()
	admin, err := adminPrincipal(ctx, svc)
	if err != nil {
		fmt.Fprintf(stderr, "token: %v\n", err)
		return 1
	}
	if sub == "create" {
		tid, tok, err := svc.CreateToken(ctx, admin, *party, ledger.TokenInput{})
		if err != nil {
			fmt.Fprintf(stderr, "token create: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "id: %s\ntoken: %s\n", tid, tok)
		return 0
	}
	if err := svc.RevokeToken(ctx, admin, *id); err != nil {
		fmt.Fprintf(stderr, "token revoke: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "revoked %s\n", *id)
	return 0
}
