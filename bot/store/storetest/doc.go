// Package storetest is the behaviour every store.Store must show, written
// once as tests that each implementation runs against its own database:
// package sqlite on a file in a temporary folder, package postgres in a
// fresh schema of the server that CONFIDANT_TEST_POSTGRES names.
//
// It is imported by tests only.
package storetest
