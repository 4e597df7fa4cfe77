"""Transport: how bytes reach a board. Bus transports (UARTBone over any pyserial URL,
Etherbone over UDP) behind one read/write interface, the register map read from a build's
csr.json, the CSR client by register name, and the host's own UDP and raw-Ethernet
endpoints used by the host-link probes. Every call has a timeout and fails with a board
error naming the port. Imports: config and the roots."""
