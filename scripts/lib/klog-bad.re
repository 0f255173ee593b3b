WARNING:
BUG:
Oops
Kernel panic
general protection fault
kernel BUG at
soft lockup
blocked for more than [0-9]+ seconds
hung_task
rcu: INFO:
detected stalls? on CPU
self-detected stall
rcu_preempt detected stall
possible circular locking dependency
possible recursive locking
inconsistent lock state
suspicious RCU usage
UBSAN
KFENCE
Bad page map
Bad page state
bad pmd
bad pud
VM_FAULT_OOM leaked
list_add corruption
list_del corruption
refcount_t:
Unable to handle kernel
stack-protector
KASAN
DEBUG_LOCKS_WARN_ON
hard LOCKUP
page dumped because
invalid opcode
