module libipdb/go

go 1.19
