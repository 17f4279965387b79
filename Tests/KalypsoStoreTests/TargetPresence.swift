// Package.swift declares this test target; its tests arrive with the transaction journal (branch `journal`).
// This file only lets the package build on branches that do not have them yet.
import KalypsoStore
