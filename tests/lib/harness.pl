#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# Run TAP test files (any executable) under TAP::Harness and end with one
# line "N passed, M failed, K skipped" over all individual results.
#
# Each file runs under timeout(1): a line "# timeout: SECONDS" in its
# first 20 lines sets its limit, else $FL_TEST_TIMEOUT (default 1800 s); a
# file killed for it fails (a lab guest in it is stopped 60 s before, see
# tap.sh).  A file that exits 77 (the kselftest and
# liburing convention) is skipped as a whole.
use strict;
use warnings;
use TAP::Harness;

my $verbose = shift @ARGV;

sub file_timeout {
	my ($file) = @_;
	my $t = $ENV{FL_TEST_TIMEOUT} || 1800;
	if (open(my $fh, '<', $file)) {
		my $n = 0;
		while (my $l = <$fh>) {
			last if ++$n > 20;
			if ($l =~ /^#\s*timeout:\s*(\d+)/) { $t = $1; last; }
		}
		close($fh);
	}
	return $t;
}

my $harness = TAP::Harness->new({
	verbosity => $verbose ? 1 : 0,
	timer     => 1,
	merge     => 0,
	color     => -t STDOUT ? 1 : 0,
	# FL_TEST_DEADLINE tells the file when it will be killed (tap.sh
	# turns it into LAB_DEADLINE, so that a hung guest stops first).
	exec      => sub { my (undef, $file) = @_;
			   my $t = file_timeout($file);
			   $ENV{FL_TEST_DEADLINE} = time() + $t;
			   return ['timeout', '--kill-after=30', $t, $file]; },
	failures  => 1,
});
my $agg = $harness->runtests(@ARGV);

my ($pass, $fail, $skip) = (0, 0, 0);
for my $file ($agg->descriptions) {
	my ($parser) = $agg->parsers($file);
	$skip += scalar($parser->skipped);
	$fail += scalar($parser->failed);
	$pass += scalar($parser->passed) - scalar($parser->skipped);
	if (($parser->exit // 0) == 77 && !$parser->failed) {
		$skip++;
		next;
	}
	my $rc = $parser->exit // 0;
	print STDERR "tests: $file ran out of time (exit $rc)\n" if $rc == 124 || $rc == 137;
	# A file that died or missed its plan counts as one failure more.
	$fail++ if ($rc && !$parser->failed) ||
		   ($parser->tests_planned && $parser->tests_run != $parser->tests_planned);
}
printf "%d passed, %d failed, %d skipped\n", $pass, $fail, $skip;
exit($fail ? 1 : 0);
